"""The XSDs every XML OneWindow writes into a package or batch is validated against, before it is written
and again by ``verify-package`` (xmlschema: pure Python, XSD 1.0 and 1.1)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import xmlschema

FOLDER = Path(__file__).with_name("schemas")
CATALOGUE = "catalogue.xsd"
DA_T_46 = "da-t-46.xsd"
PREMIS = "premis-events.xsd"


@cache
def _schema(name: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(FOLDER / name))


def problems(name: str, data: bytes) -> list[str]:
    """Each way ``data`` breaks the schema, in words (empty when it is valid)."""
    try:
        errors = list(_schema(name).iter_errors(data.decode("utf-8")))
    except (UnicodeDecodeError, xmlschema.XMLSchemaException, SyntaxError) as exc:
        return [f"{name}: {exc}"[:300]]
    return [f"{name}: {e.reason or e.message} at {e.path}"[:300] for e in errors[:20]]
