"""Preservation events in PREMIS 3 terms, recorded per dossier and exported with every package.

The dossier's own history (DossierEvent) says what people did; these say what was done to keep the
package readable and true (ingestion, fixity, virus and format checks, validation, transfer, metadata
changes), in the vocabulary preservation systems such as Archivematica exchange.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree import ElementTree as ET

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Dossier, PreservationEvent, utcnow
from ...timeutil import local
from ...vocabulary import EventOutcome, PreservationEventType

PREMIS_NS = "http://www.loc.gov/premis/v3"
AGENT_SOFTWARE = "OneWindow"
# A check item's result (True, False, None) in PREMIS outcome words.
OUTCOMES = {True: EventOutcome.SUCCESS, False: EventOutcome.FAILURE, None: EventOutcome.NOT_CHECKED}


def record(
    session: Session,
    dossier: Dossier,
    event_type: PreservationEventType,
    outcome: EventOutcome,
    detail: str = "",
    *,
    agent: str = AGENT_SOFTWARE,
    file_path: str = "",
) -> PreservationEvent:
    event = PreservationEvent(
        dossier_id=dossier.id,
        at=utcnow(),
        event_type=event_type.value,
        agent=agent or AGENT_SOFTWARE,
        outcome=outcome.value,
        detail=detail[:4000],
        file_path=file_path,
    )
    session.add(event)
    return event


def events_of(session: Session, dossier_id: str) -> list[PreservationEvent]:
    session.flush()
    return list(
        session.scalars(
            select(PreservationEvent)
            .where(PreservationEvent.dossier_id == dossier_id)
            .order_by(PreservationEvent.at, PreservationEvent.id)
        )
    )


def premis_xml(dossier: Dossier, events: Iterable[PreservationEvent]) -> bytes:
    """``<premis>`` with the package as object, one ``<event>`` each, and the agents named."""
    ET.register_namespace("premis", PREMIS_NS)
    root = _el(None, "premis", version="3.0")
    obj = _el(root, "object")
    ident = _el(obj, "objectIdentifier")
    _el(ident, "objectIdentifierType", text="档号")
    _el(ident, "objectIdentifierValue", text=f"{dossier.archival_code} v{dossier.version}")
    agents: dict[str, None] = {}
    for seq, event in enumerate(events, start=1):
        _event(root, dossier, event, seq)
        agents[event.agent] = None
    for name in agents:
        agent = _el(root, "agent")
        agent_id = _el(agent, "agentIdentifier")
        _el(agent_id, "agentIdentifierType", text="name")
        _el(agent_id, "agentIdentifierValue", text=name)
        _el(agent, "agentName", text=name)
        _el(agent, "agentType", text="software" if name == AGENT_SOFTWARE else "person")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _event(root: ET.Element, dossier: Dossier, event: PreservationEvent, seq: int) -> None:
    node = _el(root, "event")
    ident = _el(node, "eventIdentifier")
    _el(ident, "eventIdentifierType", text="OneWindow")
    _el(ident, "eventIdentifierValue", text=event.id)
    _el(node, "eventType", text=event.event_type)
    _el(node, "eventDateTime", text=local(event.at).isoformat())
    if event.file_path:
        _el(_el(node, "eventDetailInformation"), "eventDetail", text=f"{event.file_path}")
    outcome = _el(node, "eventOutcomeInformation")
    _el(outcome, "eventOutcome", text=event.outcome)
    if event.detail:
        _el(_el(outcome, "eventOutcomeDetail"), "eventOutcomeDetailNote", text=event.detail)
    agent = _el(node, "linkingAgentIdentifier")
    _el(agent, "linkingAgentIdentifierType", text="name")
    _el(agent, "linkingAgentIdentifierValue", text=event.agent)
    obj = _el(node, "linkingObjectIdentifier")
    _el(obj, "linkingObjectIdentifierType", text="档号")
    _el(obj, "linkingObjectIdentifierValue", text=f"{dossier.archival_code} v{dossier.version}")


def _el(parent: ET.Element | None, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    tag = f"{{{PREMIS_NS}}}{name}"
    node = ET.Element(tag, attrs) if parent is None else ET.SubElement(parent, tag, attrs)
    if text is not None:
        node.text = text
    return node
