"""What people read for the workflow's codes (statuses, actions, notices, clock levels), in both languages.

The services keep codes; the pages translate them here so English works too.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

STATUS = {
    "draft": _l("草稿"), "submitted": _l("已提交"), "needs_correction": _l("待补正"), "accepted": _l("已受理"),
    "accepted_with_gap": _l("容缺受理"), "in_progress": _l("办理中"), "approved": _l("准予许可"),
    "denied": _l("不予许可"), "completed": _l("已办结"), "archived": _l("已归档"), "rejected": _l("不予受理"),
    "withdrawn": _l("已撤回"),
}

ACTION = {code: lazy_pgettext("event", text) for code, text in (
    ("create", "创建申请"), ("edit_form", "填写申请信息"), ("upload", "上传材料"), ("reuse", "复用档案材料"),
    ("submit", "提交申请"), ("resubmit", "补正后重新提交"), ("withdraw", "撤回申请"),
    ("request_correction", "一次性告知补正"), ("accept", "受理"), ("accept_with_gap", "容缺受理"), ("reject", "不予受理"),
    ("route", "分流交办"), ("gap_filled", "补齐容缺材料"), ("decide_part", "部门作出决定"), ("decide", "作出决定"),
    ("upload_result", "上传结果文件"), ("complete", "办结"), ("archive", "归档"), ("rate", "评价"),
)}

NOTICE = {
    "correction": _l("补正材料一次性告知书"), "acceptance": _l("受理通知书"), "gap": _l("容缺受理通知书"),
    "rejection": _l("不予受理通知书"),
}

CLOCK = {
    "none": _l("未计时"), "green": _l("正常"), "yellow": _l("临近时限"), "red": _l("已超期"),
    "paused": _l("暂停计时"), "stopped": _l("已停止计时"),
}

ROLE = {
    "applicant": _l("申请人"), "clerk": _l("窗口人员"), "officer": _l("审批人员"), "supervisor": _l("督办人员"),
    "archivist": _l("档案管理员"), "admin": _l("系统管理员"), "system": _l("系统"),
}

PART = {"pending": _l("办理中"), "approved": _l("准予"), "denied": _l("不予")}

# Why an archived file has no (or only some) searchable text.
TEXT_STATUS = {
    "pending": _l("正文提取中"), "partial": _l("部分页面未识别：未安装 OCR 文字识别"),
    "failed": _l("无法提取正文"),
}

CHECK_STATUS = {
    "": _l("待检测"), "passed": _l("通过"), "failed": _l("未通过"), "incomplete": _l("未完成：部分项目未能检测"),
}


def label(table: dict, code: str | None) -> str:
    return str(table.get(code or "", code or ""))

CHART = {
    "by_state": _l("各状态办件数"), "by_service": _l("各事项平均办理用时"), "by_department": _l("各部门平均办理用时"),
    "ratings": _l("评价分布"), "days": _l("天"), "empty": _l("暂无数据"),
}
