"""What each notification says, in zh-CN and en: the title and a short body naming the service and the
tracking number. Both languages live here, without gettext, because they are written into the inbox and
into e-mails and texts by jobs and services that run outside any web request.

A body template may use {service}, {number} and the kind's own facts (services/notifications/facts.py).
"""

from __future__ import annotations

from ...vocabulary import NotificationKind as K

ZH, EN = "zh-CN", "en"

TITLES_EN: dict[K, str] = {
    K.RECEIPT: "Application received",
    K.CORRECTION: "Please correct your materials",
    K.ACCEPTANCE: "Application accepted",
    K.DEEMED_ACCEPTANCE: "Application accepted by law",
    K.REMINDER: "Deadline reminder",
    K.SUSPENSION: "Time limit paused",
    K.RESUMPTION: "Time limit running again",
    K.DECISION: "Decision made",
    K.RESULT_READY: "Result ready",
    K.TERMINATION: "Application terminated",
    K.REJECTION: "Application not accepted",
    K.RATING_ANSWER: "Answer to your rating",
    K.NEW_WORK: "New case to handle",
    K.GAP_ARRIVED: "Deferred material arrived",
    K.CLOCK_YELLOW: "Case nearing its time limit",
    K.CLOCK_RED: "Case overdue: supervision notice",
    K.DEADLINE_CHANGED: "Time limit changed",
    K.ACCESS_REQUEST: "A department asks to read your files",
    K.ACCESS_ANSWER: "Your access request was answered",
    K.LICENCE_REVOKED: "E-licence revoked",
}

# (kind, variant) → body per language; the variant picks a wording the facts call for ("" = the usual one).
BODIES: dict[tuple[K, str], dict[str, str]] = {
    (K.RECEIPT, ""): {
        ZH: "您申请的「{service}」已提交，受理编号 {number}。窗口将在5个工作日内审核，结果会通知您。",
        EN: "Your application for {service} was submitted, tracking number {number}. The window reviews it "
        "within 5 working days and will tell you the result.",
    },
    (K.CORRECTION, ""): {
        ZH: "您申请的「{service}」（受理编号 {number}）需要一次性补正以下材料：{items}。请补正后重新提交。",
        EN: "Your application for {service} ({number}) needs these materials corrected, all at once: {items}. "
        "Please correct them and submit again.",
    },
    (K.ACCEPTANCE, ""): {
        ZH: "您申请的「{service}」（受理编号 {number}）已受理，材料齐全，承诺于 {due} 前办结。",
        EN: "Your application for {service} ({number}) was accepted with complete materials; "
        "it will be decided by {due}.",
    },
    (K.ACCEPTANCE, "gap"): {
        ZH: "您申请的「{service}」（受理编号 {number}）已容缺受理，承诺于 {due} 前办结。"
        "以下材料尚未补齐，请在期限前补交，逾期将终止办理：{gaps}。",
        EN: "Your application for {service} ({number}) was accepted with materials still owed; it will be "
        "decided by {due}. Hand in these before their deadlines, or the case is terminated: {gaps}.",
    },
    (K.DEEMED_ACCEPTANCE, ""): {
        ZH: "您申请的「{service}」（受理编号 {number}）提交后5个工作日内未获审核，依《行政许可法》第三十二条"
        "自 {accepted} 起视为受理，承诺于 {due} 前办结。",
        EN: "Your application for {service} ({number}) was not reviewed within 5 working days and counts as "
        "accepted from {accepted} (Administrative Licensing Law, art. 32); it will be decided by {due}.",
    },
    (K.DEEMED_ACCEPTANCE, "gap"): {
        ZH: "您申请的「{service}」（受理编号 {number}）提交后5个工作日内未获审核，依《行政许可法》第三十二条"
        "自 {accepted} 起视为受理，承诺于 {due} 前办结。以下材料尚未补齐，请在期限前补交：{gaps}。",
        EN: "Your application for {service} ({number}) was not reviewed within 5 working days and counts as "
        "accepted from {accepted} (Administrative Licensing Law, art. 32); it will be decided by {due}. "
        "Hand in these before their deadlines: {gaps}.",
    },
    (K.REMINDER, ""): {
        ZH: "提醒：您申请的「{service}」（受理编号 {number}）尚欠材料「{slot}」，"
        "请于 {deadline} 前补交，逾期将终止办理。",
        EN: "Reminder: your application for {service} ({number}) still owes the material {slot}; "
        "hand it in by {deadline}, or the case is terminated.",
    },
    (K.SUSPENSION, ""): {
        ZH: "您申请的「{service}」（受理编号 {number}）进入{procedure}程序，期间不计入办理时限。原因：{reason}",
        EN: "Your application for {service} ({number}) is in a special procedure ({procedure}); the time limit "
        "does not run meanwhile. Reason: {reason}",
    },
    (K.RESUMPTION, ""): {
        ZH: "您申请的「{service}」（受理编号 {number}）特别程序已结束，办理时限恢复计算，承诺于 {due} 前办结。",
        EN: "The special procedure of your application for {service} ({number}) has ended; the time limit runs "
        "again and the case will be decided by {due}.",
    },
    (K.DECISION, "approved"): {
        ZH: "您申请的「{service}」（受理编号 {number}）已作出准予许可的决定，结果文件办结后即可领取。",
        EN: "Your application for {service} ({number}) was approved; the result can be collected once the case "
        "is completed.",
    },
    (K.DECISION, "denied"): {
        ZH: "您申请的「{service}」（受理编号 {number}）已作出不予许可的决定。理由：{reason}。"
        "如不服，可依法申请行政复议或提起行政诉讼。",
        EN: "Your application for {service} ({number}) was denied. Reason: {reason}. You may apply for "
        "administrative reconsideration or bring an administrative lawsuit.",
    },
    (K.RESULT_READY, ""): {
        ZH: "您申请的「{service}」（受理编号 {number}）已办结，可在线下载或到窗口领取办理结果。",
        EN: "Your application for {service} ({number}) is completed; download the result online or collect it "
        "at the window.",
    },
    (K.TERMINATION, ""): {
        ZH: "您申请的「{service}」（受理编号 {number}）已终止办理。原因：{reason}",
        EN: "Your application for {service} ({number}) was terminated. Reason: {reason}",
    },
    (K.REJECTION, ""): {
        ZH: "您申请的「{service}」（受理编号 {number}）不予受理。理由：{reason}",
        EN: "Your application for {service} ({number}) was not accepted. Reason: {reason}",
    },
    (K.RATING_ANSWER, ""): {
        ZH: "关于您对「{service}」（受理编号 {number}）的评价，中心答复如下：{reason}",
        EN: "About your rating of {service} ({number}), the centre answers: {reason}",
    },
    (K.NEW_WORK, "clerk"): {
        ZH: "新的申请待审核：「{service}」，受理编号 {number}，申请人 {applicant}。",
        EN: "A new application awaits review: {service}, tracking number {number}, applicant {applicant}.",
    },
    (K.NEW_WORK, "officer"): {
        ZH: "新的交办件：「{service}」，受理编号 {number}，承诺于 {due} 前办结。",
        EN: "A case was routed to your department: {service}, tracking number {number}, due by {due}.",
    },
    (K.GAP_ARRIVED, ""): {
        ZH: "「{service}」（受理编号 {number}）的容缺材料「{slot}」已补交，请审核。{remaining}",
        EN: "The deferred material {slot} of {service} ({number}) has arrived; please review it. {remaining}",
    },
    (K.CLOCK_YELLOW, ""): {
        ZH: "「{service}」（受理编号 {number}）临近办理时限，须于 {due} 前办结。",
        EN: "{service} ({number}) is nearing its time limit: it must be decided by {due}.",
    },
    (K.CLOCK_RED, ""): {
        ZH: "督办：「{service}」（受理编号 {number}）已超过办理时限（应于 {due} 前办结），请督促承办部门办理。",
        EN: "Supervision: {service} ({number}) is past its time limit (due {due}); please see that the "
        "department handles it.",
    },
    (K.DEADLINE_CHANGED, ""): {
        ZH: "「{service}」（受理编号 {number}）的办理时限已调整为 {due}。{reason}",
        EN: "The time limit of {service} ({number}) is now {due}. {reason}",
    },
    (K.ACCESS_REQUEST, ""): {
        ZH: "{department}的{officer}申请调阅您在「{service}」案卷（档号 {code}）中的共享材料：{files}。"
        "调阅目的：{purpose}。请在「调阅申请」页面同意或拒绝；同意后该人员可在 {days} 天内调阅，"
        "每次调阅都会记入您的材料调阅记录。",
        EN: "{officer} of the {department} asks to read your shared files in the dossier of {service} "
        "(archival code {code}): {files}. Purpose: {purpose}. Approve or refuse on the access requests page; "
        "an approval lets them read for {days} days, and every read is in your access ledger.",
    },
    (K.ACCESS_ANSWER, ""): {
        ZH: "您对「{service}」案卷（档号 {code}）的调阅申请，申请人已{answer}。{until}",
        EN: "The applicant {answer} your request to read the dossier of {service} (archival code {code}). {until}",
    },
    (K.LICENCE_REVOKED, ""): {
        ZH: "您在「{service}」（受理编号 {number}）中取得的电子证照已被发证部门撤销，今后的申请不再提供复用。"
        "理由：{reason}",
        EN: "The e-licence you obtained in {service} ({number}) was revoked by the issuing department and is no "
        "longer offered for reuse. Reason: {reason}",
    },
}


def title(kind: K, language: str) -> str:
    return TITLES_EN[kind] if language == EN else kind.label


def body(kind: K, variant: str, language: str, values: dict[str, str]) -> str:
    texts = BODIES.get((kind, variant)) or BODIES[(kind, "")]
    return texts[language if language in texts else ZH].format(**values).strip()
