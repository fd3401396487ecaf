"""Notices as PDF (受理通知书, 一次性告知书 …), made on demand from the recorded notice.

The PDF uses reportlab's built-in Chinese CID font (STSong-Light), so no font
file has to be installed for notices to work.
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from ...models import Application, Notice
from ...timeutil import local
from ...vocabulary import NoticeKind
from . import time_limit_notices
from .decisions import denial_lines

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _wrap(text: str, width: int) -> list[str]:
    lines = []
    for paragraph in text.splitlines() or [""]:
        while len(paragraph) > width:
            lines.append(paragraph[:width])
            paragraph = paragraph[width:]
        lines.append(paragraph)
    return lines


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
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    title = NoticeKind(notice.kind).label
    pdf.setTitle(title)
    font = _font()
    width, height = A4
    pdf.setFont(font, 20)
    pdf.drawCentredString(width / 2, height - 90, title)
    pdf.setFont(font, 12)
    y = height - 140
    for line in notice_lines(app, notice):
        for part in _wrap(line, 38):
            if y < 60:
                pdf.showPage()
                pdf.setFont(font, 12)
                y = height - 60
            pdf.drawString(70, y, part)
            y -= 22
    pdf.showPage()
    pdf.save()
    return out.getvalue()
