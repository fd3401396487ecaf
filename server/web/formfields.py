"""The generic application form: fields every service item asks for, stored in ``Application.form``.

Service items do not yet describe their own form fields; these three cover
what a window needs to identify the business and reach the applicant.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict


@dataclass(frozen=True)
class Field:
    name: str
    label: object
    input_type: str = "text"
    max_length: int = 200


FIELDS = (
    Field("business_name", _l("经营者/单位名称")),
    Field("address", _l("经营地址")),
    Field("contact_phone", _l("联系电话"), "tel", 32),
)


def from_request(form: MultiDict) -> dict[str, str]:
    """The posted fields, trimmed and cut to length; unknown keys are ignored."""
    return {f.name: form.get(f.name, "").strip()[: f.max_length] for f in FIELDS if f.name in form}
