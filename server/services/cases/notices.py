"""Notices as PDF (受理通知书, 一次性告知书 …), made on demand from the recorded notice.

They are filed in the dossier, so they are printed for the long term (printing.py: the CJK font embedded,
PDF/A-2b), dated by the notice itself: the same notice always gives the same bytes.
"""

from __future__ import annotations

from ...models import Application, Notice
from ...timeutil import local
from ...vocabulary import NoticeKind
from . import printing, time_limit_notices
from .decisions import denial_lines


def notice_lines(app: Application, notice: Notice) -> list[str]:
    lines = [f"编号：{notice.number}", f"受理编号：{app.tracking_number}", "", f"{app.applicant_name}：", ""]
    service = app.service.name
    kind = NoticeKind(notice.kind)
    if kind == NoticeKind.ACCEPTANCE:
        lines += time_limit_notices.acceptance_lines(app, notice)
    elif kind == NoticeKind.CORRECTION:
        lines += [f"你（单位）申请的“{service}”事项，申请材料存在以下问题，请一次性补正后重新提交：", ""]
        lines += [f"{n}. {item['name']}：{item['reason']}" for n, item in enumerate(notice.items, start=1)]
    elif kind == NoticeKind.GAP:
        lines += time_limit_notices.gap_lines(app, notice)
    elif kind == NoticeKind.TERMINATION:
        lines += time_limit_notices.termination_lines(app, notice)
    elif kind == NoticeKind.SUSPENSION:
        lines += time_limit_notices.suspension_lines(app, notice)
    elif kind == NoticeKind.REJECTION:
        lines += [
            f"你（单位）申请的“{service}”事项，决定不予受理。",
            f"理由：{notice.note}",
            "如不服本决定，可依法申请行政复议或者提起行政诉讼。",
        ]
    elif kind == NoticeKind.DENIAL:
        lines += denial_lines(app, notice)
    if notice.note and kind in (NoticeKind.ACCEPTANCE, NoticeKind.CORRECTION):
        lines += ["", f"备注：{notice.note}"]
    lines += [
        "",
        f"经办人：{notice.issued_by}",
        f"日期：{local(notice.created_at).date().isoformat()}",
        app.service.department.name,
    ]
    return lines


def notice_pdf(app: Application, notice: Notice) -> bytes:
    return printing.render(NoticeKind(notice.kind).label, notice_lines(app, notice), created=notice.created_at)
