"""The case's decision from its parts, and the written 不予许可决定书 a denial owes the applicant.

行政许可法 第三十八条: a denial states its reasons and tells the applicant of the right to 行政复议 and
行政诉讼. In a joint case (联办) each department decides its own part; one department's denial does not
undo another's approval, so the case is approved, approved in part, or denied, as its parts are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ...config import Settings
from ...models import Application, CasePart, Notice, User
from ...timeutil import local
from ...vocabulary import NoticeKind, PartStatus, Status
from . import events

# 行政复议法 第二十条 and 行政诉讼法 第四十六条: sixty days and six months from receipt of the decision.
REVIEW_TIME = "六十日"
LAWSUIT_TIME = "六个月"


@dataclass(frozen=True)
class AppealBodies:
    """Where a denied applicant turns: 行政复议 (the government at the same level) and 行政诉讼 (the court)."""

    review_body: str = Settings.review_body
    court: str = Settings.court

    @classmethod
    def of(cls, settings: Settings) -> AppealBodies:
        return cls(settings.review_body, settings.court)


# The configuration's defaults, for callers (tests, scripts) that do not pass the instance's bodies.
DEFAULT_APPEAL = AppealBodies()


def case_outcome(parts: Sequence[CasePart]) -> Status:
    """All parts approved: approved; all denied: denied; some of each: approved in part."""
    statuses = {p.status for p in parts}
    if statuses == {PartStatus.APPROVED}:
        return Status.APPROVED
    if statuses == {PartStatus.DENIED}:
        return Status.DENIED
    return Status.PARTLY_APPROVED


def part_json(part: CasePart) -> dict[str, Any]:
    return {
        "department": part.department.code,
        "department_name": part.department.name,
        "status": part.status,
        "status_label": PartStatus(part.status).label,
        "note": part.note,
        "decided_by": part.decided_by,
        "decided_at": part.decided_at.isoformat() if part.decided_at else None,
    }


def issue_denial(session: Session, app: Application, user: User, appeal: AppealBodies) -> Notice | None:
    """The 不予许可决定书 of a decided case with any denied part: each denied part with its reasons."""
    denied = [p for p in app.parts if p.status == PartStatus.DENIED]
    if not denied:
        return None
    notice = events.notice(
        session,
        app,
        NoticeKind.DENIAL,
        user,
        items=[
            {"department": p.department.code, "department_name": p.department.name, "reason": p.note} for p in denied
        ],
        note="；".join(p.note for p in denied),
    )
    notice.details = {
        "outcome": app.outcome,
        "legal_basis": app.service.legal_basis,
        "review_body": appeal.review_body,
        "court": appeal.court,
        "parts": [part_json(p) for p in app.parts],
    }
    return notice


def denial_lines(app: Application, notice: Notice) -> list[str]:
    """The body of the 不予许可决定书: the decision, the reasons per denied part, the legal basis, the rights."""
    details = notice.details or {}
    service, joint = app.service.name, len(details.get("parts", [])) > 1
    submitted = local(app.submitted_at).date().isoformat() if app.submitted_at else ""
    lines = [f"你（单位）于{submitted}提出的“{service}”申请，本机关依法进行了审查。"]
    if details.get("outcome") == Status.PARTLY_APPROVED:
        approved = [p["department_name"] for p in details["parts"] if p["status"] == PartStatus.APPROVED]
        lines.append(f"经审查，{'、'.join(approved)}承办的部分准予许可；以下部分决定不予许可：")
    else:
        lines.append("经审查，决定不予许可。" + ("各承办部门的理由如下：" if joint else ""))
    lines.append("")
    for n, item in enumerate(notice.items, start=1):
        lines.append(f"{n}. {item['department_name']}：{item['reason']}" if joint else f"理由：{item['reason']}")
    if details.get("legal_basis"):
        lines += ["", f"依据：{details['legal_basis']}"]
    lines += [
        "",
        f"如不服本决定，可以自收到本决定书之日起{REVIEW_TIME}内"
        f"向{details.get('review_body', Settings.review_body)}申请行政复议，"
        f"或者自收到本决定书之日起{LAWSUIT_TIME}内向{details.get('court', Settings.court)}提起行政诉讼。",
    ]
    return lines
