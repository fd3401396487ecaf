"""The facts a notification states, read from the case and the event that caused it, in either language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ...models import Application, CaseEvent
from ...timeutil import local
from ...vocabulary import EventAction, NotificationKind, Status, SuspensionKind
from .texts import EN

NONE = {"zh-CN": "无", "en": "none"}


@dataclass(frozen=True)
class Facts:
    """What one event means for one kind of notification; ``text(language)`` gives the template's values."""

    app: Application
    event: CaseEvent
    kind: NotificationKind

    @property
    def variant(self) -> str:
        action, kind = self.event.action, self.kind
        if kind in (NotificationKind.ACCEPTANCE, NotificationKind.DEEMED_ACCEPTANCE):
            return "gap" if self.gaps() else ""
        if kind == NotificationKind.NEW_WORK:
            return "officer" if action == EventAction.ROUTE else "clerk"
        if kind == NotificationKind.DECISION:
            return "denied" if self.app.status == Status.DENIED or self.data.get("outcome") == "denied" else "approved"
        return ""

    @property
    def data(self) -> dict[str, Any]:
        return self.event.data or {}

    def values(self, language: str) -> dict[str, str]:
        app, en = self.app, language == EN
        service = (app.service.name_en or app.service.name) if en else app.service.name
        slot = str(self.data.get("slot") or "")
        return {
            "service": service,
            "number": app.tracking_number or "—",
            "applicant": app.applicant_name,
            "due": _day(self.data.get("due_date") or app.due_date),
            "accepted": _day(local(app.accepted_at).date() if app.accepted_at else None),
            "deadline": _day(self.data.get("deadline")),
            "slot": self._slot_name(slot) if slot else "",
            "items": self._items(en) or NONE[language],
            "gaps": self._gaps(en) or NONE[language],
            "reason": self.event.note.strip() or NONE[language],
            "procedure": self._procedure(en),
            "remaining": self._remaining(en),
        }

    def _slot_name(self, slot: str) -> str:
        return next((s.name for s in self.app.service.materials if s.slot == slot), slot)

    def _items(self, en: bool) -> str:
        items = self.data.get("items") or []
        return ("; " if en else "；").join(
            f"{item.get('name') or item.get('slot')}" + (f" ({item['reason']})" if en else f"（{item['reason']}）")
            if item.get("reason")
            else str(item.get("name") or item.get("slot"))
            for item in items
        )

    def gaps(self) -> list[tuple[str, str]]:
        """Every deferred slot with its deadline: the event's per-slot deadlines, else the case's one deadline."""
        deadlines = self.data.get("gap_deadlines") or {}
        slots = self.data.get("gap_slots") or list(deadlines) or list(self.app.gap_slots)
        fallback = self.data.get("gap_deadline") or self.app.gap_deadline
        return [(self._slot_name(s), _day(deadlines.get(s) or fallback)) for s in slots]

    def _gaps(self, en: bool) -> str:
        if en:
            return "; ".join(f"{name} by {deadline}" for name, deadline in self.gaps())
        return "；".join(f"{name}（{deadline}前）" for name, deadline in self.gaps())

    def _procedure(self, en: bool) -> str:
        try:
            kind = SuspensionKind(self.data.get("kind") or SuspensionKind.OTHER)
        except ValueError:
            kind = SuspensionKind.OTHER
        return kind.value.replace("_", " ") if en else kind.label

    def _remaining(self, en: bool) -> str:
        if self.event.action != EventAction.GAP_FILLED:
            return ""
        left = [self._slot_name(s) for s in self.data.get("remaining") or []]
        if not left:
            return "All deferred materials are in." if en else "容缺材料已全部补齐。"
        return ("Still owed: " + ", ".join(left) + ".") if en else ("尚欠：" + "、".join(left) + "。")


def _day(value: date | str | None) -> str:
    if value is None or value == "":
        return "—"
    return value if isinstance(value, str) else value.isoformat()
