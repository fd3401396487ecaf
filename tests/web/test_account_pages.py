"""The registration and password pages: each problem next to its field in the page's language, signing in."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from web_support import CSRF

from server.services.cases import applying

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17: str) -> str:
    """A resident ID number with its GB 11643 check digit, computed independently of the server."""
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


PERSON = {"name": "林晓雨", "id_number": id_number("33018219950723862"), "phone": "13676543210"}
PASSWORD = "钱塘潮-八月-2026"


def form(**changes: str) -> dict[str, str]:
    return {"username": "linxy", "password": PASSWORD, "password_again": PASSWORD, **PERSON, "email": "", **changes}


def error_of(page: str, field: str) -> str:
    """The problem shown under ``field``, or ''."""
    match = re.search(rf'<span class="field-error" id="error-{field}" role="alert">([^<]*)</span>', page)
    return match.group(1) if match else ""


def walk_in(build, person: dict[str, str]) -> str:
    return build(lambda b: applying.create_draft(b.session, b.user("clerk"), "sole-trader", person, {}))


def test_each_problem_stands_next_to_its_field_in_chinese(web):
    wrong = PERSON["id_number"][:17] + ("0" if PERSON["id_number"][17] != "0" else "1")
    page = web.post(
        None,
        "/register",
        form(id_number=wrong, phone="12345", password="woaini1314", password_again="woaini1314", email="x@"),
        expect=400,
    ).get_data(as_text=True)
    assert error_of(page, "id_number") == "校验码不正确，请核对号码"
    assert error_of(page, "phone") == "须为11位手机号码"
    assert error_of(page, "password") == "密码太常见，容易被猜中"
    assert error_of(page, "email") == "电子邮箱格式不正确"
    assert error_of(page, "username") == "" and error_of(page, "name") == ""
    assert 'value="linxy"' in page and f'value="{PERSON["name"]}"' in page, "what was typed is kept"
    assert "woaini1314" not in page, "a password is never sent back"
    assert "check digit" not in page


def test_each_problem_stands_next_to_its_field_in_english(web):
    web.get(None, "/?lang=en")
    page = web.post(None, "/register", form(phone="", password_again=PASSWORD + "x", name=""), expect=400).get_data(
        as_text=True
    )
    assert error_of(page, "password_again") == "The two passwords differ"
    assert error_of(page, "phone") == "required"
    assert error_of(page, "name") == "required"
    assert "Please correct each marked field." in page and "Register and sign in" in page
    assert "必填" not in page and "两次输入" not in page


def test_a_taken_username_is_said_next_to_it(web):
    page = web.post(None, "/register", form(username="applicant"), expect=409).get_data(as_text=True)
    assert error_of(page, "username") == "该用户名已被使用"
    page = web.post(None, "/register", form(id_number="330127198805123429"), expect=409).get_data(as_text=True)
    assert error_of(page, "id_number") == "该身份证号已注册，请直接登录"


def test_registering_signs_in_and_brings_the_walk_in_cases(web, build):
    walk_in(build, PERSON)
    response = web.post(None, "/register", form())
    assert response.headers["Location"].endswith("/my/cases")
    page = web.page(None, "/my/cases")
    assert "注册成功" in page and "窗口为您办理的 1 件办件已关联到您的账号。" in page
    assert "个体工商户设立登记" in page
    assert 'href="/account/password"' in page and PERSON["name"] in page


def test_the_english_flash_counts_the_cases(web, build):
    walk_in(build, PERSON)
    walk_in(build, PERSON)
    web.get(None, "/?lang=en")
    web.post(None, "/register", form())
    assert "2 cases opened for you at a window are now in your account." in web.page(None, "/my/cases")


def test_a_case_opened_later_joins_at_the_next_page_sign_in(web, build, app):
    web.post(None, "/register", form())
    walk_in(build, PERSON)
    browser = app.test_client()
    csrf = CSRF.search(browser.get("/login").get_data(as_text=True)).group(1)
    signed_in = browser.post("/login", data={"username": "linxy", "password": PASSWORD, "csrf_token": csrf})
    assert signed_in.status_code == 302
    assert "个体工商户设立登记" in browser.get("/my/cases").get_data(as_text=True)


def test_registration_page_and_api_share_one_budget(web, client):
    from limits import parse_many

    from server.web.throttle import REGISTRATION_LIMITS

    allowed = min(limit.amount for limit in parse_many(REGISTRATION_LIMITS[0].limits))
    for attempt in range(allowed - 1):
        assert (
            client.post("/api/v1/auth/register", json={**form(username=f"bot{attempt}"), "phone": "0"}).status_code
            == 400
        )
    web.post(None, "/register", form(phone="0"), expect=400)
    throttled = web.post(None, "/register", form(), expect=429)
    assert "尝试次数过多" in throttled.get_data(as_text=True) and throttled.headers["Retry-After"]


def test_the_password_page_changes_it_and_signs_out_other_browsers(web, app, settings):
    other = app.test_client()
    csrf = CSRF.search(other.get("/login").get_data(as_text=True)).group(1)
    other.post("/login", data={"username": "applicant", "password": settings.demo_password, "csrf_token": csrf})
    assert other.get("/my/cases").status_code == 200

    page = web.page("applicant", "/my/cases")
    assert 'href="/account/password"' in page
    new = "西湖-断桥-残雪-2026"
    wrong = web.post(
        "applicant",
        "/account/password",
        {"current_password": "nope", "new_password": new, "new_password_again": new},
        expect=403,
    ).get_data(as_text=True)
    assert error_of(wrong, "current_password") == "当前密码不正确"
    differ = {"current_password": settings.demo_password, "new_password": new, "new_password_again": new + "!"}
    page = web.post("applicant", "/account/password", differ, expect=400).get_data(as_text=True)
    assert error_of(page, "new_password_again") == "两次输入的密码不一致"
    weak = {"current_password": settings.demo_password, "new_password": "13857101234a", "new_password_again": ""}
    weak["new_password_again"] = weak["new_password"]
    page = web.post("applicant", "/account/password", weak, expect=400).get_data(as_text=True)
    assert error_of(page, "new_password") == "密码不能包含用户名、身份证号或手机号", "the demo applicant's phone"
    assert other.get("/my/cases").status_code == 200, "refusals change nothing"

    good = {"current_password": settings.demo_password, "new_password": new, "new_password_again": new}
    done = web.post("applicant", "/account/password", good)
    assert done.headers["Location"].endswith("/account/password")
    assert "密码已修改" in web.page("applicant", "/account/password")
    assert web.get("applicant", "/my/cases").status_code == 200, "this browser stays signed in"
    assert other.get("/my/cases").status_code == 302, "the other browser is signed out"


def test_the_password_page_needs_a_sign_in_and_serves_staff(web):
    response = web.get(None, "/account/password", expect=302)
    assert "/login?next=/account/password" in response.headers["Location"]
    page = web.page("clerk", "/account/password?lang=en")
    assert "Change password" in page and "Current password" in page


def test_every_account_page_message_has_an_english_translation():
    with (ROOT / "server/translations/en/LC_MESSAGES/messages.po").open("rb") as fh:
        catalogue = read_po(fh)
    sources = [*sorted((ROOT / "templates/account").glob("*.html")), ROOT / "server/blueprints/accounts.py"]
    messages = [
        message
        for path in sources
        for _q, message in re.findall(r"""\b(?:_l?|gettext|ngettext)\(\s*(['"])(.+?)\1""", path.read_text())
    ]
    assert len(messages) > 20
    missing = [m for m in messages if not (catalogue.get(m) and catalogue.get(m).string)]
    assert not missing, missing
