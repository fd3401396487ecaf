"""What people read for the workflow's codes (statuses, actions, notices, clock levels), in both languages.

The services keep codes; the pages translate them here so English works too. The words for the
workflow's own vocabulary are written once, in server/vocabulary.py, and only translated here.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from ..vocabulary import (
    AccessAction,
    AccessRequestStatus,
    ConsentMode,
    Delivery,
    EventAction,
    FiledType,
    GapItemStatus,
    NoticeKind,
    PartStatus,
    Status,
    SuspensionKind,
    VerificationLevel,
)

STATUS = {status: _l(status.label) for status in Status}
ACTION = {action: lazy_pgettext("event", action.label) for action in EventAction}
NOTICE = {kind: _l(kind.label) for kind in NoticeKind}
FILED = {filed: _l(filed.label) for filed in FiledType}
PART = {part: _l(part.label) for part in PartStatus}
DELIVERY = {method: _l(method.label) for method in Delivery}
GAP_ITEM = {status: _l(status.label) for status in GapItemStatus}
SUSPENSION = {kind: _l(kind.label) for kind in SuspensionKind}
ACCESS_ACTION = {action: _l(action.label) for action in AccessAction}
ACCESS_REQUEST_STATUS = {status: _l(status.label) for status in AccessRequestStatus}
LEVEL = {level: _l(level.label) for level in VerificationLevel}
CONSENT = {mode: _l(mode.label) for mode in ConsentMode}
LICENCE_STATE = {"pending": _l("待归档"), "valid": _l("有效"), "expired": _l("已过期"), "revoked": _l("已撤销")}

CLOCK = {
    "none": _l("未计时"),
    "green": _l("正常"),
    "yellow": _l("临近时限"),
    "red": _l("已超期"),
    "paused": _l("暂停计时"),
    "stopped": _l("已停止计时"),
}

ROLE = {
    "applicant": _l("申请人"),
    "clerk": _l("窗口人员"),
    "officer": _l("审批人员"),
    "supervisor": _l("督办人员"),
    "archivist": _l("档案管理员"),
    "admin": _l("系统管理员"),
    "system": _l("系统"),
    "cli": _l("命令行（档案管理员）"),
}

# Why an archived file has no (or only some) searchable text.
TEXT_STATUS = {
    "pending": _l("正文提取中"),
    "partial": _l("部分页面未识别：未安装 OCR 文字识别"),
    "failed": _l("无法提取正文"),
}

CHECK_STATUS = {
    "": _l("待检测"),
    "passed": _l("通过"),
    "failed": _l("未通过"),
    "incomplete": _l("未完成：部分项目未能检测"),
}


def label(table: dict, code: str | None) -> str:
    return str(table.get(code or "", code or ""))


CHART = {
    "by_state": _l("各状态办件数"),
    "by_service": _l("各事项平均办理用时"),
    "by_department": _l("各部门平均办理用时"),
    "ratings": _l("评价分布"),
    "days": _l("天"),
    "empty": _l("暂无数据"),
}
