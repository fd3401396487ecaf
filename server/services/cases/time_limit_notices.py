"""The wording of the notices the law's clocks produce: acceptance (also when deemed), 容缺, termination,
suspension. The law decides what each must tell the applicant, so the text names its article."""

from __future__ import annotations

from ...models import Application, Notice
from ...timeutil import local
from ...vocabulary import EventAction

DEEMED_BASIS = "依据《中华人民共和国行政许可法》第三十二条"
SUSPENSION_BASIS = "依据《中华人民共和国行政许可法》第四十五条"


def _owed(notice: Notice) -> list[str]:
    return [
        f"{n}. {item['name']}（请于{item['deadline']}前补齐）" if item.get("deadline") else f"{n}. {item['name']}"
        for n, item in enumerate(notice.items, start=1)
    ]


def deemed(app: Application) -> bool:
    return any(e.action == EventAction.DEEMED_ACCEPTED for e in app.events)


def acceptance_lines(app: Application, notice: Notice) -> list[str]:
    """A 容缺 case's acceptance lists what is still owed instead of calling the materials complete."""
    service = app.service.name
    if deemed(app):
        submitted = local(app.submitted_at).date().isoformat() if app.submitted_at else ""
        lines = [
            f"你（单位）于{submitted}提交的“{service}”事项申请，本机关未在五个工作日内作出是否受理的决定，"
            f"{DEEMED_BASIS}，该申请依法视为受理。"
        ]
    else:
        lines = [f"你（单位）申请的“{service}”事项，经审查，决定予以受理。"]
    if notice.items:
        lines += ["以下容缺材料尚未提交，补齐并经核验合格前不作出决定：", *_owed(notice)]
    elif not deemed(app):
        lines[0] = f"你（单位）申请的“{service}”事项，经审查，申请材料齐全、符合法定形式，决定予以受理。"
    lines.append(
        f"承诺办结时限为{app.service.time_limit_days}个工作日"
        + (f"，预计于{notice.deadline.isoformat()}前办结。" if notice.deadline else "。")
    )
    return lines


def gap_lines(app: Application, notice: Notice) -> list[str]:
    lines = [
        f"你（单位）申请的“{app.service.name}”事项予以容缺受理。以下材料请于各自期限前补齐，补齐并经核验合格前"
        "不作出决定；逾期未补齐的，终止办理：",
        "",
        *_owed(notice),
    ]
    if notice.note:
        lines += ["", f"申请人承诺：{notice.note}"]
    return lines


def termination_lines(app: Application, notice: Notice) -> list[str]:
    accepted = local(app.accepted_at).date().isoformat() if app.accepted_at else ""
    return [
        f"你（单位）申请的“{app.service.name}”事项已于{accepted}容缺受理。以下容缺材料未在期限内补齐并经核验合格，"
        "依据容缺受理承诺，决定终止办理：",
        "",
        *[f"{n}. {item['name']}（期限{item['deadline']}）" for n, item in enumerate(notice.items, start=1)],
        "",
        "你（单位）补齐材料后可重新提出申请。如不服本决定，可依法申请行政复议或者提起行政诉讼。",
    ]


def suspension_lines(app: Application, notice: Notice) -> list[str]:
    item = notice.items[0] if notice.items else {}
    name, days = item.get("name", ""), item.get("max_days", "")
    until = notice.deadline.isoformat() if notice.deadline else ""
    return [
        f"你（单位）申请的“{app.service.name}”事项需进行{name}。{SUSPENSION_BASIS}，{name}所需时间不计入办理期限。",
        f"理由：{notice.note}",
        f"该程序最长不超过{days}个工作日（至{until}），届时自动恢复计算办理期限。",
    ]
