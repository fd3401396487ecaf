"""The workflow's names, each written once: statuses, notice kinds, filed document types, event actions,
and the status transitions a case may make.

Every value is the string stored in the database, written into dossiers and sent by the API; a
``StrEnum`` member compares, hashes and serialises as that string, so rows and JSON read the same as
before. Each member carries the Chinese name people read (the API's ``status_label``, a notice's title,
the material type name filed in the archive). The pages translate these names through Flask-Babel
(``server/web/labels.py``) with the Chinese as the message id.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final, Self


class Named(StrEnum):
    """A code with the Chinese name people read for it."""

    _value_: str
    label: str

    # The defaults only let type checkers read a lookup such as Status("draft"), which never calls __new__.
    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class Status(Named):
    """Where a case is in its life (PRODUCT.md, "The life of a case"); the order is the life's order."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    NEEDS_CORRECTION = "needs_correction", "待补正"
    ACCEPTED = "accepted", "已受理"
    ACCEPTED_WITH_GAP = "accepted_with_gap", "容缺受理"
    IN_PROGRESS = "in_progress", "办理中"
    APPROVED = "approved", "准予许可"
    # A joint case (联办) in which some departments approved their parts and others denied theirs.
    PARTLY_APPROVED = "partly_approved", "部分准予"
    DENIED = "denied", "不予许可"
    COMPLETED = "completed", "已办结"
    ARCHIVED = "archived", "已归档"
    REJECTED = "rejected", "不予受理"
    WITHDRAWN = "withdrawn", "已撤回"
    TERMINATED = "terminated", "终止办理"


class PartStatus(Named):
    """One routed department's part of a case."""

    PENDING = "pending", "办理中"
    APPROVED = "approved", "准予"
    DENIED = "denied", "不予"


class ServiceStatus(Named):
    """A version of a service guide: the one taking applications, one replaced by a newer version, or withdrawn."""

    PUBLISHED = "published", "受理中"
    SUPERSEDED = "superseded", "已更新为新版本"
    RETIRED = "retired", "已停止受理"


class Channel(Named):
    """How a case came in: online by the applicant, or opened at the window for a walk-in."""

    ONLINE = "online", "网上"
    WINDOW = "window", "现场"


class NoticeKind(StrEnum):
    """A notice to the applicant: its number prefix (``BZ-<tracking number>-01``) and its formal title.

    The correction notice is titled 补正材料一次性告知书, the document the 一次性告知 rule requires
    (one notice naming every problem); the same title is printed on the PDF, shown on the pages and
    filed in the archive as the document's material type name.
    """

    _value_: str
    prefix: str
    label: str

    def __new__(cls, value: str, prefix: str = "", label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.prefix = prefix
        member.label = label
        return member

    CORRECTION = "correction", "BZ", "补正材料一次性告知书"
    ACCEPTANCE = "acceptance", "SL", "受理通知书"
    GAP = "gap", "RQ", "容缺受理通知书"
    REJECTION = "rejection", "BY", "不予受理通知书"
    TERMINATION = "termination", "ZZ", "终止办理告知书"
    SUSPENSION = "suspension", "TB", "特别程序告知书"
    DENIAL = "denial", "BX", "不予许可决定书"

    @property
    def filed_type(self) -> FiledType:
        return FiledType(f"notice_{self.value}")


class FiledType(Named):
    """Material types of the documents the workflow files itself, beside the service items' own types."""

    NOTICE_CORRECTION = "notice_correction", NoticeKind.CORRECTION.label
    NOTICE_ACCEPTANCE = "notice_acceptance", NoticeKind.ACCEPTANCE.label
    NOTICE_GAP = "notice_gap", NoticeKind.GAP.label
    NOTICE_REJECTION = "notice_rejection", NoticeKind.REJECTION.label
    NOTICE_TERMINATION = "notice_termination", NoticeKind.TERMINATION.label
    NOTICE_SUSPENSION = "notice_suspension", NoticeKind.SUSPENSION.label
    NOTICE_DENIAL = "notice_denial", NoticeKind.DENIAL.label
    RESULT = "result", "办理结果"
    LEGACY_RECORD = "legacy_record", "存量档案"
    # The archiving scope (归档范围) beside materials, notices and results (services/archive/scope.py).
    APPLICATION_FORM = "application_form", "申请表"
    UNDERTAKING = "gap_undertaking", "容缺受理承诺书"
    OPINION = "department_opinion", "部门审查意见及决定"
    DELIVERY_RECORD = "delivery_record", "送达记录"
    RATING_RECORD = "rating_record", "评价记录"
    # A file an archivist adds to a dossier's corrected version (services/archive/corrections.py).
    CORRECTION_SUPPLEMENT = "correction_supplement", "更正补充材料"


class MaterialClass(Named):
    """The archival class of a filed file (依据性 / 程序性 / 结果性 材料)."""

    BASIS = "basis", "依据性"
    PROCEDURE = "procedure", "程序性"
    RESULT = "result", "结果性"


class EventAction(Named):
    """What a case event records; the label is the timeline's wording."""

    CREATE = "create", "创建申请"
    EDIT_FORM = "edit_form", "填写申请信息"
    UPLOAD = "upload", "上传材料"
    REUSE = "reuse", "复用档案材料"
    SUBMIT = "submit", "提交申请"
    RESUBMIT = "resubmit", "补正后重新提交"
    WITHDRAW = "withdraw", "撤回申请"
    REQUEST_CORRECTION = "request_correction", "一次性告知补正"
    ACCEPT = "accept", "受理"
    ACCEPT_WITH_GAP = "accept_with_gap", "容缺受理"
    REJECT = "reject", "不予受理"
    ROUTE = "route", "分流交办"
    GAP_FILLED = "gap_filled", "补齐容缺材料"
    DECIDE_PART = "decide_part", "部门作出决定"
    DECIDE = "decide", "作出决定"
    UPLOAD_RESULT = "upload_result", "上传结果文件"
    COMPLETE = "complete", "办结"
    ARCHIVE = "archive", "归档"
    RATE = "rate", "评价"
    CLOSE_FOLLOW_UP = "close_follow_up", "办结回访"
    # The law's clocks (行政许可法 第三十二条, 第四十二条, 第四十五条): recorded by the deadline sweep or by staff.
    DEEMED_ACCEPTED = "deemed_accepted", "逾期未审视为受理"
    REMIND = "remind", "期限提醒"
    TERMINATE = "terminate", "终止办理"
    SUSPEND = "suspend", "中止计时（特别程序）"
    RESUME = "resume", "恢复计时"
    WARN = "warn", "临近时限预警"
    ESCALATE = "escalate", "超期督办"
    SET_DEADLINE = "set_deadline", "督办调整时限"
    DELIVER = "deliver", "送达结果"
    REVIEW_GAP = "review_gap", "核验容缺材料"
    # Recorded on the case that issued the e-licence (电子证照), after it was archived.
    REVOKE_LICENCE = "revoke_licence", "撤销电子证照"


class NotificationKind(Named):
    """A message to one user (inbox, e-mail, SMS); the label is its title. Sent when the case event of the
    same meaning is recorded (server/services/notifications), never by the code that records the event."""

    RECEIPT = "receipt", "申请已收到"
    CORRECTION = "correction", "请补正材料"
    ACCEPTANCE = "acceptance", "申请已受理"
    DEEMED_ACCEPTANCE = "deemed_acceptance", "申请已依法视为受理"
    REMINDER = "reminder", "期限提醒"
    SUSPENSION = "suspension", "办理时限暂停计算"
    RESUMPTION = "resumption", "办理时限恢复计算"
    DECISION = "decision", "办理决定"
    RESULT_READY = "result_ready", "办理结果可领取"
    TERMINATION = "termination", "申请已终止办理"
    REJECTION = "rejection", "申请不予受理"
    RATING_ANSWER = "rating_answer", "评价回访答复"
    NEW_WORK = "new_work", "新的待办件"
    GAP_ARRIVED = "gap_arrived", "容缺材料已补交"
    CLOCK_YELLOW = "clock_yellow", "办件临近时限"
    CLOCK_RED = "clock_red", "办件超期督办"
    DEADLINE_CHANGED = "deadline_changed", "办理时限已调整"
    # Not about a case event: sent by services/archive/access_requests.py through notifications.notify_user.
    ACCESS_REQUEST = "access_request", "部门申请调阅您的材料"
    ACCESS_ANSWER = "access_answer", "调阅申请已答复"
    LICENCE_REVOKED = "licence_revoked", "电子证照已撤销"


class SuspensionKind(Named):
    """Special procedures whose time 行政许可法 第四十五条 keeps out of the time limit; days = the longest allowed."""

    _value_: str
    label: str
    max_days: int

    def __new__(cls, value: str, label: str = "", max_days: int = 0) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.max_days = max_days
        return member

    HEARING = "hearing", "听证", 20
    INSPECTION = "inspection", "现场核查", 20
    TESTING = "testing", "检验检测", 30
    EXPERT_REVIEW = "expert_review", "专家评审", 30
    OTHER = "other", "其他特别程序", 20


class GapItemStatus(Named):
    """Where one deferred (容缺) material is: still owed, arrived and awaiting the clerk, accepted, or refused."""

    OWED = "owed", "待补交"
    ARRIVED = "arrived", "已补交待核验"
    ACCEPTED = "accepted", "核验合格"
    REFUSED = "refused", "核验不合格，待重新补交"


class AccessAction(Named):
    """What an access-ledger entry records; the label is the applicant's ledger page wording."""

    READ = "read", "调阅文件"
    PREVIEW = "preview", "预览页面"
    EXPORT = "export", "导出案卷"
    SEARCH = "search", "检索档案"
    REUSE = "reuse", "复用材料"


class AccessRequestStatus(Named):
    """An officer's request to read another department's shared files, as the applicant answered it."""

    PENDING = "pending", "待申请人答复"
    APPROVED = "approved", "申请人已同意"
    REFUSED = "refused", "申请人已拒绝"


class VerificationLevel(Named):
    """How far a material can be trusted (国办函〔2016〕108号), strongest first; kept per material and per archived
    file, and carried over when a copy is reused.

    ``issued``: an e-licence a department issued itself. ``verified_original``: a clerk's explicit verdict that
    the copy matches the original they saw. ``archived_copy``: a record filed into the archive without such a
    check (scanned paper records, files archived before levels were kept). ``uploaded``: as the applicant sent
    it, never checked by anyone.
    """

    ISSUED = "issued", "电子证照"
    VERIFIED_ORIGINAL = "verified_original", "已核验原件"
    ARCHIVED_COPY = "archived_copy", "档案存档件"
    UPLOADED = "uploaded", "申请人上传（未核验）"


class ConsentMode(Named):
    """How the applicant agreed to a reuse: themself online, or in person at the window, recorded by the clerk."""

    ONLINE = "online", "申请人本人网上确认"
    IN_PERSON = "in_person", "申请人现场同意，窗口人员记录"


class Secrecy(Named):
    """密级 of a dossier (DA/T 46 element 密级; GB/T 7156 levels), set per service item."""

    PUBLIC = "public", "公开"
    DOMESTIC = "domestic", "国内"
    INTERNAL = "internal", "内部"
    SECRET = "secret", "秘密"
    CONFIDENTIAL = "confidential", "机密"
    TOP_SECRET = "top_secret", "绝密"


class Openness(Named):
    """开放状态: whether the archives bureau may open the dossier to the public after its closed period."""

    OPEN = "open", "开放"
    CONTROLLED = "controlled", "控制"


class ItemType(Named):
    """事项类型 of a service item in the national basic catalogue of government services."""

    LICENSING = "licensing", "行政许可"
    CONFIRMATION = "confirmation", "行政确认"
    PAYMENT = "payment", "行政给付"
    ADJUDICATION = "adjudication", "行政裁决"
    REWARD = "reward", "行政奖励"
    OTHER_POWER = "other_power", "其他行政权力"
    PUBLIC_SERVICE = "public_service", "公共服务"


class IdType(Named):
    """证件类型 of the applicant's identifier (GB/T 42727)."""

    RESIDENT_ID = "resident_id", "居民身份证"
    CREDIT_CODE = "credit_code", "统一社会信用代码"
    OTHER = "other", "其他证件"


class PreservationEventType(Named):
    """PREMIS 3 event types (id.loc.gov/vocabulary/preservation/eventType) a dossier's history records."""

    INGESTION = "ingestion", "接收归档"
    FIXITY_CHECK = "fixity check", "固定性检查"
    VIRUS_CHECK = "virus check", "病毒检查"
    FORMAT_IDENTIFICATION = "format identification", "格式识别"
    VALIDATION = "validation", "四性检测"
    TRANSFER = "transfer", "移交"
    METADATA_MODIFICATION = "metadata modification", "元数据修改"
    MIGRATION = "migration", "格式转换"


class EventOutcome(Named):
    """A preservation event's outcome; ``not checked`` is what could not run (never counted as a pass)."""

    SUCCESS = "success", "通过"
    FAILURE = "failure", "未通过"
    NOT_CHECKED = "not checked", "未检测"


class ColourMode(Named):
    """扫描色彩模式 of a scanned file's 数字化属性 (DA/T 46)."""

    COLOUR = "colour", "彩色"
    GREY = "grey", "灰度"
    BITONAL = "bitonal", "黑白二值"


class Delivery(Named):
    """How the result reached the applicant (送达方式)."""

    WINDOW = "window", "窗口领取"
    POST = "post", "邮寄送达"
    ELECTRONIC = "electronic", "电子送达"


_S, _A = Status, EventAction

# Every status change a case may make: (before, action, after). PRODUCT.md draws the same graph.
TRANSITIONS: Final[frozenset[tuple[Status, EventAction, Status]]] = frozenset(
    {
        (_S.DRAFT, _A.SUBMIT, _S.SUBMITTED),
        (_S.NEEDS_CORRECTION, _A.RESUBMIT, _S.SUBMITTED),
        (_S.DRAFT, _A.WITHDRAW, _S.WITHDRAWN),
        (_S.SUBMITTED, _A.WITHDRAW, _S.WITHDRAWN),
        (_S.NEEDS_CORRECTION, _A.WITHDRAW, _S.WITHDRAWN),
        (_S.SUBMITTED, _A.REQUEST_CORRECTION, _S.NEEDS_CORRECTION),
        (_S.SUBMITTED, _A.ACCEPT, _S.ACCEPTED),
        (_S.SUBMITTED, _A.ACCEPT_WITH_GAP, _S.ACCEPTED_WITH_GAP),
        (_S.SUBMITTED, _A.REJECT, _S.REJECTED),
        (_S.SUBMITTED, _A.DEEMED_ACCEPTED, _S.ACCEPTED),
        (_S.SUBMITTED, _A.DEEMED_ACCEPTED, _S.ACCEPTED_WITH_GAP),
        (_S.ACCEPTED_WITH_GAP, _A.TERMINATE, _S.TERMINATED),
        (_S.IN_PROGRESS, _A.TERMINATE, _S.TERMINATED),
        (_S.ACCEPTED, _A.ROUTE, _S.IN_PROGRESS),
        (_S.ACCEPTED_WITH_GAP, _A.ROUTE, _S.IN_PROGRESS),
        (_S.IN_PROGRESS, _A.DECIDE, _S.APPROVED),
        (_S.IN_PROGRESS, _A.DECIDE, _S.PARTLY_APPROVED),
        (_S.IN_PROGRESS, _A.DECIDE, _S.DENIED),
        (_S.APPROVED, _A.COMPLETE, _S.COMPLETED),
        (_S.PARTLY_APPROVED, _A.COMPLETE, _S.COMPLETED),
        (_S.DENIED, _A.COMPLETE, _S.COMPLETED),
        (_S.COMPLETED, _A.ARCHIVE, _S.ARCHIVED),
    }
)


class UndefinedTransition(RuntimeError):
    """A status change the table does not hold: a bug in the caller, never the user's mistake."""


def check_transition(before: str, action: str, after: str) -> None:
    if (before, action, after) not in TRANSITIONS:
        raise UndefinedTransition(f"no transition {before!r} --{action}--> {after!r}")


def sources(*actions: EventAction) -> tuple[Status, ...]:
    """The statuses from which any of ``actions`` may be taken, in the order of a case's life."""
    found = {before for before, action, _after in TRANSITIONS if action in actions}
    return tuple(status for status in Status if status in found)
