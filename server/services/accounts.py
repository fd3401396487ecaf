"""Accounts: who someone is (ID number, phone), how their password is judged, and their walk-in cases.

Registration, the admin pages, the spreadsheet import and OpenID Connect
sign-in all create and check accounts here, so the rules are the same
whichever way a person arrives.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from ..errors import Conflict, Forbidden, InvalidInput
from ..models import ApiToken, Application, User, UserSession
from .auth import _digest as token_digest
from .auth import hash_password

# GB 11643-1999: the 18th character is a check over the first 17, weighted 2^(17-i) mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_PHONE = re.compile(r"^1[3-9]\d{9}$")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD = 10
# zxcvbn's lists are English; these are the commonest Chinese choices (pinyin and number idioms).
CHINESE_COMMON = (
    "woaini",
    "woaini1314",
    "woaini520",
    "5201314",
    "1314520",
    "521521",
    "iloveyou",
    "qq123456",
    "a123456",
    "aa123456",
    "abc123456",
    "a123456789",
    "123456abc",
    "1qaz2wsx",
    "qazwsxedc",
    "zhang",
    "wang",
    "li",
    "liu",
    "chen",
    "yang",
    "huang",
    "zhao",
    "zhou",
    "wu",
    "xu",
    "sun",
    "ma",
    "zhu",
    "hu",
    "guo",
    "he",
    "lin",
    "luo",
    "gao",
    "mima",
    "mima123",
    "zhongguo",
    "beijing",
    "shanghai",
    "hangzhou",
    "zhejiang",
    "aini1314",
    "888888",
    "666666",
    "147258369",
    "789456123",
    "159357",
    "112233",
    "woshishui",
)


def id_number_problem(value: str) -> str | None:
    """Why ``value`` is not a valid 18-character resident ID number (GB 11643), or None."""
    number = value.strip().upper()
    if not _ID_SHAPE.match(number):
        return "须为18位居民身份证号码 (must be 18 characters: 17 digits and a digit or X)"
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "出生日期不正确 (the birth date in the number is not a date)"
    expected = _CHECK[sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True)) % 11]
    if number[17] != expected:
        return "校验码不正确，请核对号码 (the check digit does not match: check the number)"
    return None


def phone_problem(value: str) -> str | None:
    if not _PHONE.match(value.strip()):
        return "须为11位手机号码 (must be an 11-digit mobile number)"
    return None


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_problem(value: str) -> str | None:
    if not _EMAIL.match(value.strip()) or len(value) > 254:
        return "电子邮箱格式不正确 (not an e-mail address)"
    return None


def password_problem(password: str, *, username: str = "", id_number: str = "", phone: str = "") -> str | None:
    """Why a password is too easy to guess, or None: short ones, common ones and one's own details."""
    if len(password) < MIN_PASSWORD:
        return f"密码至少{MIN_PASSWORD}位 (at least {MIN_PASSWORD} characters)"
    lowered = password.lower()
    personal = [p.lower() for p in (username, id_number, phone) if len(p) >= 4]
    if any(p in lowered or lowered in p for p in personal):
        return "密码不能包含用户名、身份证号或手机号 (must not contain your username, ID number or phone)"
    if len(set(password)) < 4 or _guessable(password, [username, id_number, phone]):
        return "密码太常见，容易被猜中 (too common: easy to guess)"
    return None


def _guessable(password: str, personal: list[str]) -> bool:
    """zxcvbn's estimate (Dropbox's, maintained as the ``zxcvbn`` package): below 2 of 4 is a guessable password."""
    from zxcvbn import zxcvbn

    return bool(zxcvbn(password[:100], user_inputs=[*CHINESE_COMMON, *filter(None, personal)])["score"] < 2)


def require_valid_person(*, name: str, id_number: str, phone: str, prefix: str = "") -> dict[str, str]:
    """The person's details cleaned (ID number upper-cased), or InvalidInput naming every bad field."""
    problems = {}
    if not name.strip():
        problems[f"{prefix}name"] = "必填 (required)"
    if problem := id_number_problem(id_number):
        problems[f"{prefix}id_number"] = problem
    if phone.strip() and (problem := phone_problem(phone)):
        problems[f"{prefix}phone"] = problem
    if problems:
        raise InvalidInput("个人信息有误 (personal details need fixing)", {"fields": problems})
    return {"name": name.strip(), "id_number": id_number.strip().upper(), "phone": phone.strip()}


def create_applicant(
    session: Session,
    *,
    username: str,
    password: str | None,
    name: str,
    id_number: str,
    phone: str,
    email: str = "",
    oidc_subject: str | None = None,
) -> User:
    """A new applicant account (``password`` None: signs in only through OpenID Connect), with the
    walk-in cases under the same ID number linked to it."""
    problems = registration_problems(
        username=username, password=password, name=name, id_number=id_number, phone=phone, email=email
    )
    if problems:
        raise InvalidInput(
            "注册信息有误，请逐项修改 (registration details need fixing: see each field)", {"fields": problems}
        )
    person = require_valid_person(name=name, id_number=id_number, phone=phone)
    username = username.strip().lower()
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict("该用户名已被使用 (that username is taken)", {"fields": {"username": "taken"}})
    if session.scalar(select(User.id).where(User.role == "applicant", User.id_number == person["id_number"])):
        raise Conflict(
            "该身份证号已注册，请直接登录 (an account with this ID number exists: sign in)",
            {"fields": {"id_number": "registered"}},
        )
    user = User(
        username=username,
        password_hash=hash_password(password) if password is not None else "",
        display_name=person["name"],
        role="applicant",
        id_number=person["id_number"],
        phone=person["phone"],
        email=email.strip(),
        oidc_subject=oidc_subject,
    )
    session.add(user)
    session.flush()
    link_walk_in_cases(session, user)
    return user


def registration_problems(
    *, username: str, password: str | None, name: str, id_number: str, phone: str, email: str = ""
) -> dict[str, str]:
    """Every field of a new account that needs fixing, by name (empty when none does): all at once, so a
    form is corrected in one go.

    A local account (with a password) must give a phone: it is how the centre reaches the applicant
    and how they track a case; an identity platform's account may come without one.
    """
    problems: dict[str, str] = {}
    try:
        require_valid_person(name=name, id_number=id_number, phone=phone)
    except InvalidInput as error:
        problems.update(error.details["fields"])
    if password is not None and not phone.strip():
        problems["phone"] = "必填 (required)"
    if not USERNAME.match(username.strip().lower()):
        problems["username"] = "用户名须为3至64位小写字母、数字、点、横线或下划线 (username: 3 to 64 of a-z 0-9 . _ -)"
    personal = {"username": username.strip().lower(), "id_number": id_number.strip().upper(), "phone": phone.strip()}
    if password is not None and (problem := password_problem(password, **personal)):
        problems["password"] = problem
    if email.strip() and (problem := email_problem(email)):
        problems["email"] = problem
    return problems


def change_password(session: Session, user: User, *, current: str, new: str, keep: str) -> None:
    """Sets a new password and ends every other sign-in of the user: whoever may have learnt the old
    password is signed out everywhere.

    ``keep`` is the secret of the caller's own token or browser session, which stays valid: the caller
    has just proved they know the password, and a client mid-way through its work is not cut off. A
    wrong ``current`` is Forbidden (the caller is signed in, but may not do this), never Unauthorized,
    which would tell a client its token is dead.
    """
    if not check_password_hash(user.password_hash, current):
        raise Forbidden("当前密码不正确 (the current password is wrong)", {"fields": {"current_password": "wrong"}})
    if problem := password_problem(new, username=user.username, id_number=user.id_number, phone=user.phone):
        raise InvalidInput(problem, {"fields": {"new_password": problem}})
    user.password_hash = hash_password(new)
    kept = token_digest(keep)
    session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.token_sha256 != kept))
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id, ApiToken.token_sha256 != kept))


def link_walk_in_cases(session: Session, user: User) -> int:
    """Cases a clerk opened for this person at the window become theirs online: seen, rated, downloaded.

    Matched by ID number, the identity the clerk checked against the original
    card; only cases no account owns yet are taken.
    """
    if user.role != "applicant" or not user.id_number:
        return 0
    result = session.execute(
        update(Application)
        .where(Application.applicant_id_number == user.id_number, Application.applicant_user_id.is_(None))
        .values(applicant_user_id=user.id)
    )
    return int(getattr(result, "rowcount", 0) or 0)
