"""Which account a sign-in through the unified identity platform (统一身份认证, OpenID Connect) becomes.

The platform vouches for who someone is; these rules decide which OneWindow account that person
enters, apart from the web flow that obtains the platform's word (server/web/oidc.py):

* an account already linked to the platform's subject signs in;
* with staff sign-in on, a staff account whose username the platform names is linked and signs in,
  and its local password stops working (the platform, with whatever second factor it demands, is
  then how that person proves who they are);
* otherwise the person is an applicant: an applicant account with the same ID number (registered
  with a password earlier) is linked, the platform having vouched for that number; failing that the
  first sign-in creates the account.

Accounts are linked to ``"<issuer>|<sub>"``: ``sub`` is unique only within one issuer.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import Conflict, InvalidInput, Unauthorized
from ..models import STAFF_ROLES, User
from .accounts import USERNAME, create_applicant, link_walk_in_cases, phone_problem, require_valid_person

log = logging.getLogger(__name__)

# Our fields a platform's claims may fill; name and id_number are needed to make an applicant account.
FIELDS = ("name", "id_number", "phone", "username")
REQUIRED = ("name", "id_number")
_LABELS = {"name": "姓名 (name)", "id_number": "身份证号 (ID number)"}
_COUNTRY_CODE = re.compile(r"^(?:\+?86)(?=1\d{10}$)")


@dataclass(frozen=True)
class ClaimMapping:
    """Which claim carries each field: ``name=name,id_number=id_number,phone=phone_number,...``."""

    claims: Mapping[str, str]

    @classmethod
    def parse(cls, text: str) -> ClaimMapping:
        """Read once at start-up, so a misspelt setting stops the server instead of every sign-in."""
        claims: dict[str, str] = {}
        for pair in filter(None, (part.strip() for part in text.split(","))):
            field, _, claim = (part.strip() for part in pair.partition("="))
            if field not in FIELDS or not claim:
                raise ValueError(f"ONEWINDOW_OIDC_CLAIMS: {pair!r} is not <field>=<claim> with a field of {FIELDS}")
            claims[field] = claim
        if missing := [field for field in REQUIRED if field not in claims]:
            raise ValueError(f"ONEWINDOW_OIDC_CLAIMS names no claim for {', '.join(missing)}")
        return cls(claims)

    def person(self, userinfo: Mapping[str, Any]) -> dict[str, str]:
        """Our fields from the platform's claims; a claim it did not send is an empty string."""
        return {field: _text(userinfo.get(claim)) for field, claim in self.claims.items()}


def account_for(session: Session, userinfo: Mapping[str, Any], mapping: ClaimMapping, *, staff: bool) -> User:
    """The account the verified claims (of a validated ID token) sign into, created or linked as needed.

    Walk-in cases a clerk opened under the person's ID number are linked on every sign-in. The
    caller commits. Unauthorized for a deactivated account, InvalidInput when the claims do not make
    an applicant (naming the claim or the bad value), Conflict when the account is linked elsewhere.
    """
    subject = f"{_text(userinfo.get('iss'))}|{_text(userinfo.get('sub'))}"
    if subject.startswith("|") or subject.endswith("|"):
        raise InvalidInput("统一身份认证未提供用户标识 (the identity platform sent no issuer or subject)")
    person = mapping.person(userinfo)
    try:
        user = _account(session, subject, person, mapping, staff=staff)
        session.flush()
    except IntegrityError:
        # The same person's first sign-in in two tabs at once: the other one made the account.
        session.rollback()
        user = _account(session, subject, person, mapping, staff=staff)
    link_walk_in_cases(session, user)
    return user


def _account(session: Session, subject: str, person: dict[str, str], mapping: ClaimMapping, *, staff: bool) -> User:
    linked = session.scalar(select(User).where(User.oidc_subject == subject))
    if linked is not None:
        return _active(linked)
    if staff and (member := _staff_named(session, person.get("username", ""))) is not None:
        return _link_staff(_active(member), subject)
    return _applicant(session, subject, person, mapping)


def _staff_named(session: Session, username: str) -> User | None:
    if not username:
        return None
    return session.scalar(select(User).where(User.username == username.lower(), User.role.in_(STAFF_ROLES)))


def _link_staff(user: User, subject: str) -> User:
    if user.oidc_subject is not None:
        raise Conflict(
            f"工作人员账号 {user.username} 已绑定另一个统一身份认证账号 "
            f"(staff account {user.username} is linked to another identity on the platform)"
        )
    user.oidc_subject = subject
    user.password_hash = ""  # matches no password: sign-in is through the platform from now on
    return user


def _applicant(session: Session, subject: str, person: dict[str, str], mapping: ClaimMapping) -> User:
    if missing := [field for field in REQUIRED if not person.get(field)]:
        names = "、".join(f"{_LABELS[field]}: {mapping.claims[field]}" for field in missing)
        raise InvalidInput(
            f"统一身份认证未提供 {names} (the identity platform did not send these claims)",
            {"fields": dict.fromkeys(missing, "missing")},
        )
    details = require_valid_person(name=person["name"], id_number=person["id_number"], phone=_phone(person))
    existing = session.scalar(select(User).where(User.role == "applicant", User.id_number == details["id_number"]))
    if existing is not None:
        if existing.oidc_subject is not None:
            raise Conflict(
                "该身份证号的账号已绑定另一个统一身份认证账号 "
                "(the account with this ID number is linked to another identity on the platform)"
            )
        existing = _active(existing)
        existing.oidc_subject = subject
        return existing
    return create_applicant(
        session,
        username=_free_username(session, person.get("username", ""), subject),
        password=None,
        oidc_subject=subject,
        **details,
    )


def _phone(person: dict[str, str]) -> str:
    """A mobile number the platform sent (+86 or not), or "": a malformed one must not block the sign-in."""
    phone = _COUNTRY_CODE.sub("", re.sub(r"[\s-]", "", person.get("phone", "")))
    if phone and phone_problem(phone):
        log.info("ignoring a phone claim that is not a mobile number")
        return ""
    return phone


def _free_username(session: Session, wanted: str, subject: str) -> str:
    """The platform's username if it is a valid one nobody holds, else one derived from the subject.

    Taking over an existing username is never done here: only staff sign-in links by username.
    """
    wanted = wanted.strip().lower()
    digest = hashlib.sha256(subject.encode()).hexdigest()
    for candidate in (wanted, f"oidc-{digest[:12]}", f"oidc-{digest[:32]}"):
        if USERNAME.match(candidate) and session.scalar(select(User.id).where(User.username == candidate)) is None:
            return candidate
    raise Conflict("无法为该账号分配用户名，请联系管理员 (no free username for this account: ask the administrator)")


def _active(user: User) -> User:
    if not user.active:
        raise Unauthorized("该账号已停用，请联系服务中心 (this account is deactivated: contact the service centre)")
    return user


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else str(value) if isinstance(value, int) else ""
