"""The archiving scope (归档范围) of a case beyond its materials, notices and results.

GB/T 42727 files the whole handling of a matter, not only what the applicant brought: the application form,
the 容缺 undertaking, each department's opinion and decision, the delivery of the result and the rating.
The workflow keeps them as rows; here each becomes a PDF (printing.py, for the long term) filed with its
class, and the facts the dossier's DA/T 46 metadata and the scope check need are gathered.
"""

from __future__ import annotations

import io
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from ...models import Application, Dossier
from ...runtime import Runtime
from ...timeutil import local
from ...vocabulary import Delivery, FiledType, IdType, MaterialClass, PartStatus, VerificationLevel
from ..archive.corrections import Correction, correct
from ..archive.metadata import id_type_of
from ..archive.seal import SealFile
from ..archive.versions import current_version
from . import printing

RATING_FILED = "补充归档：申请人的评价记录（办结后作出）"
UNDERTAKING_WORDING = "本人（单位）承诺在规定期限内补齐上述容缺材料；逾期未补齐的，同意终止办理。"


def _when(value: datetime | None) -> str:
    return local(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def _document(kind: FiledType, lines: list[str], created: datetime | None, name: str | None = None) -> SealFile:
    data = printing.render(kind.label, lines, created=created)
    return SealFile(
        name=f"{name or kind.label}.pdf",
        open=partial(io.BytesIO, data),
        media_type="application/pdf",
        material_type=kind,
        material_type_name=kind.label,
        # 程序性, the form too (as the catalogue files an application form slot): none is an applicant's material.
        material_class=MaterialClass.PROCEDURE,
        # The form is what the applicant typed: like any upload, nobody checked it against an original.
        level=VerificationLevel.UPLOADED if kind == FiledType.APPLICATION_FORM else VerificationLevel.ARCHIVED_COPY,
        pages=printing.page_count(data),
    )


def _form_value(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


def application_form_lines(app: Application) -> list[str]:
    service = app.service
    current = {m.slot: m.filename for m in app.materials if m.current}
    lines = [
        f"事项：{service.name}（{service.item_code or service.code}）",
        f"受理编号：{app.tracking_number or '—'}",
        f"申请人：{app.applicant_name}",
        f"证件类型：{_id_type_label(app.applicant_id_number)}",
        f"证件号码：{app.applicant_id_number}",
        f"联系电话：{app.applicant_phone or '—'}",
        f"所在乡镇（街道）：{app.township or '—'}",
        f"申请时间：{_when(app.submitted_at)}",
        f"申请渠道：{app.channel}",
        "",
        "申请信息：",
    ]
    lines += [f"  {key}：{_form_value(value)}" for key, value in sorted(app.form.items())] or ["  （无）"]
    lines += ["", "申请材料："]
    for slot in service.materials:
        state = current.get(slot.slot) or ("容缺" if slot.slot in app.gap_slots else "未提交")
        lines.append(f"  {slot.name}：{state}")
    return lines


def _id_type_label(id_number: str) -> str:
    kind = id_type_of(id_number)
    return IdType(kind).label if kind else "—"


def undertaking_lines(app: Application) -> list[str]:
    names = {s.slot: s.name for s in app.service.materials}
    lines = [
        f"事项：{app.service.name}",
        f"受理编号：{app.tracking_number or '—'}",
        f"申请人：{app.applicant_name}",
        "",
    ]
    lines += ["容缺材料及补齐期限："]
    lines += [f"  {names.get(g.slot, g.slot)}：{g.deadline.isoformat()}（{g.status}）" for g in app.gap_items]
    if not app.gap_items:
        lines += [f"  {names.get(slot, slot)}" for slot in app.gap_slots]
    lines += ["", "承诺：", app.gap_undertaking or UNDERTAKING_WORDING, "", f"申请时间：{_when(app.submitted_at)}"]
    return lines


def opinion_lines(app: Application, part) -> list[str]:
    return [
        f"事项：{app.service.name}",
        f"受理编号：{app.tracking_number or '—'}",
        f"承办部门：{part.department.name}",
        f"分流时间：{_when(part.routed_at)}",
        "",
        f"审查意见：{part.note or '—'}",
        f"决定：{PartStatus(part.status).label}",
        "",
        f"经办人：{part.decided_by or '—'}",
        f"决定时间：{_when(part.decided_at)}",
    ]


def delivery_lines(app: Application) -> list[str]:
    return [
        f"事项：{app.service.name}",
        f"受理编号：{app.tracking_number or '—'}",
        f"受送达人：{app.applicant_name}",
        f"送达方式：{Delivery(app.delivery_method).label}",
        f"送达日期：{app.delivery_date.isoformat() if app.delivery_date else '—'}",
        f"送达文书：{'、'.join(r.name for r in app.results) or '决定文书'}",
        f"备注：{app.delivery_note or '—'}",
        f"送达人：{app.delivered_by or '—'}",
    ]


def rating_lines(app: Application) -> list[str]:
    rating = app.rating
    assert rating is not None  # only a rated case files its rating
    return [
        f"事项：{app.service.name}",
        f"受理编号：{app.tracking_number or '—'}",
        f"评价人：{app.applicant_name}",
        f"评价等级：{rating.score}（1-5）",
        f"评价内容：{rating.comment or '—'}",
        f"评价时间：{_when(rating.created_at)}",
        f"回访：{rating.follow_up_note or '—'}",
    ]


def scope_files(app: Application) -> list[SealFile]:
    """The form, the undertaking (容缺 only), each decided part's opinion, the delivery and the rating."""
    files = [_document(FiledType.APPLICATION_FORM, application_form_lines(app), app.submitted_at or app.created_at)]
    if app.gap_slots:
        files.append(_document(FiledType.UNDERTAKING, undertaking_lines(app), app.accepted_at or app.submitted_at))
    for part in sorted(app.parts, key=lambda p: p.department.code):
        if part.status != PartStatus.PENDING:
            name = f"{FiledType.OPINION.label}（{part.department.name}）"
            files.append(_document(FiledType.OPINION, opinion_lines(app, part), part.decided_at, name))
    if app.delivery_method:
        files.append(_document(FiledType.DELIVERY_RECORD, delivery_lines(app), app.decided_at))
    if app.rating is not None:
        files.append(rating_file(app))
    return files


def case_facts(app: Application) -> dict[str, Any]:
    """What sealing records for DA/T 46 and the scope check (seal.SealRequest fields)."""
    deciding = [p.department.name for p in app.parts if p.status != PartStatus.PENDING]
    return {
        "submitted_at": app.submitted_at,
        "accepted_at": app.accepted_at,
        "responsible": deciding or [app.service.department.name],
        "deferred_slots": list(app.gap_slots),
        "case_status": app.status,
    }


def rating_file(app: Application) -> SealFile:
    assert app.rating is not None  # only a rated case files its rating
    return _document(FiledType.RATING_RECORD, rating_lines(app), app.rating.created_at)


def file_rating(session: Session, runtime: Runtime, app: Application, actor: str) -> Dossier | None:
    """A rating comes after completion, when the dossier is sealed: it is filed as the dossier's next version
    (a correction naming why), once; None when there is nothing to file."""
    sealed = session.get(Dossier, app.dossier_id) if app.dossier_id else None
    current = current_version(session, sealed.archival_code) if sealed is not None else None
    if app.rating is None or current is None:
        return None
    if any(f.material_type == FiledType.RATING_RECORD for f in current.files):
        return None
    correction = Correction(reason=RATING_FILED, add_documents=[rating_file(app)])
    return correct(session, runtime, actor, current.id, correction)
