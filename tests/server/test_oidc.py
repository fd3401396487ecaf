"""Sign-in through the unified identity platform (OpenID Connect), against a real OpenID provider.

The provider is Ory Hydra from scripts/services. Each test registers its own client through Hydra's
admin API, and plays both the browser (the Flask test client towards the app, a requests session
towards Hydra, with Hydra's cookies) and Hydra's login and consent app (accepting or rejecting the
challenges through the admin API, with the claims the ID token is to carry). No mock provider.
"""

from __future__ import annotations

import socket
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from server.models import Application, User
from server.services.accounts import id_number_problem
from server.services.cases.applying import create_draft
from server.services.oidc_accounts import ClaimMapping

CALLBACK = "http://localhost/login/oidc/callback"  # the Flask test client's host
WANG = {"name": "王丽华", "id_number": "330127198805123429", "phone_number": "13857101234"}  # the demo applicant


def valid_id_number(first17: str) -> str:
    """The GB 11643 check digit appended: a number create_applicant accepts."""
    for check in "0123456789X":
        if id_number_problem(first17 + check) is None:
            return first17 + check
    raise AssertionError(first17)


NEW_PERSON = {"name": "赵文静", "id_number": valid_id_number("33010619900101234"), "phone_number": "13905711234"}


class Hydra:
    """The browser's side towards Hydra, and Hydra's login and consent app through its admin API."""

    def __init__(self, provider) -> None:
        self.issuer = provider.issuer
        self.admin = provider.admin_url
        self.browser = requests.Session()  # keeps Hydra's CSRF cookies between the redirects

    def register_client(self) -> tuple[str, str]:
        response = requests.post(
            f"{self.admin}/admin/clients",
            json={
                "client_name": "OneWindow test",
                "redirect_uris": [CALLBACK],
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
                "scope": "openid profile phone",
                "token_endpoint_auth_method": "client_secret_basic",
            },
            timeout=10,
        )
        assert response.status_code == 201, response.text
        return response.json()["client_id"], response.json()["client_secret"]

    def follow(self, url: str) -> str:
        """Follows Hydra's redirects; returns the first one that leaves Hydra (login app, consent app, callback)."""
        public = urlsplit(self.issuer).netloc
        while urlsplit(url).netloc == public:
            response = self.browser.get(url, allow_redirects=False, timeout=10)
            assert response.status_code in (302, 303), (url, response.status_code, response.text[:500])
            url = response.headers["Location"]
        return url

    def challenge(self, url: str, name: str) -> str:
        values = parse_qs(urlsplit(url).query).get(name)
        assert values, f"expected a redirect with {name}, got {url}"
        return values[0]

    def admin_put(self, flow: str, outcome: str, challenge: str, body: dict) -> str:
        response = requests.put(
            f"{self.admin}/admin/oauth2/auth/requests/{flow}/{outcome}",
            params={f"{flow}_challenge": challenge},
            json=body,
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return response.json()["redirect_to"]

    def log_in(self, authorize_url: str, subject: str, id_token: dict) -> str:
        """Signs ``subject`` in and consents, the ID token carrying ``id_token``; returns the callback URL."""
        login = self.challenge(self.follow(authorize_url), "login_challenge")
        consent_url = self.follow(self.admin_put("login", "accept", login, {"subject": subject}))
        consent = self.challenge(consent_url, "consent_challenge")
        asked = requests.get(
            f"{self.admin}/admin/oauth2/auth/requests/consent", params={"consent_challenge": consent}, timeout=10
        ).json()
        body = {"grant_scope": asked["requested_scope"], "session": {"id_token": id_token}}
        return self.follow(self.admin_put("consent", "accept", consent, body))

    def cancel(self, authorize_url: str) -> str:
        """The person cancels on the platform's login page; returns the callback URL."""
        login = self.challenge(self.follow(authorize_url), "login_challenge")
        body = {"error": "access_denied", "error_description": "The resource owner denied the request"}
        return self.follow(self.admin_put("login", "reject", login, body))


@pytest.fixture
def hydra(oidc_provider) -> Hydra:
    return Hydra(oidc_provider)


@pytest.fixture
def overrides() -> dict:
    """Settings a test changes (parametrize ``overrides`` to change them)."""
    return {}


@pytest.fixture
def settings(embedded_settings, oidc_provider, hydra, overrides):
    client_id, secret = hydra.register_client()
    platform = {"oidc_issuer": oidc_provider.issuer, "oidc_client_id": client_id, "oidc_client_secret": secret}
    return embedded_settings.with_overrides(**{**platform, **overrides})


def sign_in(client, hydra: Hydra, subject: str, id_token: dict, next_page: str = "/my/cases"):
    """The whole flow as a browser runs it; returns the app's answer to the callback."""
    start = client.get(f"/login/oidc?next={next_page}")
    assert start.status_code == 302, start.get_data(as_text=True)[:500]
    authorize = start.headers["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(hydra.issuer + "oauth2/auth")
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"] and query["nonce"]
    assert query["state"] and query["redirect_uri"] == [CALLBACK] and query["response_type"] == ["code"]
    back = hydra.log_in(authorize, subject, id_token)
    assert back.startswith(CALLBACK + "?"), back
    return client.get(back.removeprefix("http://localhost"))


def claims(person: dict, username: str) -> dict:
    return {**person, "preferred_username": username}


def walk_in_case(runtime, person: dict) -> str:
    """A case the demo clerk opens at the window for a person without an account."""
    with runtime.db.session() as session:
        clerk = session.scalar(select(User).where(User.username == "clerk"))
        details = {"name": person["name"], "id_number": person["id_number"], "phone": person["phone_number"]}
        return create_draft(session, clerk, "minsu", details, None).id


def user_where(runtime, *conditions) -> User | None:
    with runtime.db.session() as session:
        user = session.scalar(select(User).where(*conditions))
        if user is not None:
            session.expunge(user)
        return user


def password_login(client, username: str, password: str):
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def test_the_login_page_offers_the_platform(client, demo):
    assert 'href="/login/oidc' in client.get("/login").get_data(as_text=True)


def test_first_sign_in_creates_the_applicant_with_their_walk_in_case(app, client, hydra, runtime, demo):
    case_id = walk_in_case(runtime, NEW_PERSON)
    answer = sign_in(client, hydra, "zhao-wenjing", claims(NEW_PERSON, "zhaowj"))
    assert answer.status_code == 302 and answer.headers["Location"] == "/my/cases"
    page = client.get("/my/cases")
    assert page.status_code == 200 and case_id in page.get_data(as_text=True)
    user = user_where(runtime, User.oidc_subject == f"{hydra.issuer}|zhao-wenjing")
    assert user is not None and user.role == "applicant" and user.username == "zhaowj"
    assert (user.display_name, user.id_number, user.phone) == ("赵文静", NEW_PERSON["id_number"], "13905711234")
    with runtime.db.session() as session:
        assert session.get(Application, case_id).applicant_user_id == user.id
    # No local password: only the platform signs this account in.
    assert password_login(app.test_client(), "zhaowj", "anything-at-all").status_code == 401

    again = app.test_client()  # another browser, another day
    assert sign_in(again, hydra, "zhao-wenjing", claims(NEW_PERSON, "zhaowj")).status_code == 302
    assert again.get("/my/cases").status_code == 200
    with runtime.db.session() as session:
        count = select(func.count()).select_from(User).where(User.id_number == NEW_PERSON["id_number"])
        assert session.scalar(count) == 1


def test_an_account_registered_with_a_password_is_linked_by_its_id_number(client, hydra, runtime, demo, settings):
    sign_in(client, hydra, "wang-lihua", claims(WANG, "lihua"))
    assert client.get("/my/cases").status_code == 200
    user = user_where(runtime, User.oidc_subject == f"{hydra.issuer}|wang-lihua")
    assert user is not None and user.username == "applicant"  # the demo account, not a second one
    assert password_login(client, "applicant", settings.demo_password).status_code == 302


@pytest.mark.parametrize(
    ("id_token", "says"),
    [
        ({**NEW_PERSON, "id_number": NEW_PERSON["id_number"][:-1] + "0"}, "校验码不正确"),
        ({"name": "赵文静", "phone_number": "13905711234"}, "身份证号 (ID number): id_number"),
    ],
    ids=["wrong-check-digit", "no-id-number-claim"],
)
def test_claims_that_make_no_valid_person_are_refused_with_the_reason(client, hydra, runtime, demo, id_token, says):
    answer = sign_in(client, hydra, "zhao-wenjing", id_token)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and says in page and "统一身份认证平台提供的个人信息有误" in page
    assert 'name="password"' in page  # the login page, to sign in another way
    assert user_where(runtime, User.oidc_subject == f"{hydra.issuer}|zhao-wenjing") is None
    assert client.get("/my/cases").status_code in (302, 401)  # not signed in


def test_cancelling_on_the_platform_shows_the_login_page(client, hydra, demo):
    start = client.get("/login/oidc")
    answer = client.get(hydra.cancel(start.headers["Location"]).removeprefix("http://localhost"))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 401 and "统一身份认证登录未完成" in page and "denied" in page


def test_a_callback_this_browser_did_not_start_is_refused(client, demo):
    answer = client.get("/login/oidc/callback?code=forged&state=forged")
    assert answer.status_code == 401 and "重新登录" in answer.get_data(as_text=True)


def _dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("overrides", [{"oidc_issuer": f"http://127.0.0.1:{_dead_port()}/"}])
def test_an_unreachable_platform_shows_the_login_page(client, demo):
    answer = client.get("/login/oidc")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 503 and "统一身份认证平台暂时无法连接" in page and 'name="password"' in page
    english = client.get("/login/oidc?lang=en").get_data(as_text=True)
    assert "The identity platform cannot be reached" in english


@pytest.mark.parametrize("overrides", [{"oidc_staff": True}])
def test_staff_sign_in_links_the_staff_account_and_ends_its_password(app, client, hydra, runtime, demo, settings):
    assert sign_in(client, hydra, "clerk-on-the-platform", {"preferred_username": "clerk"}, "/counter").status_code
    assert client.get("/counter").status_code == 200
    clerk = user_where(runtime, User.username == "clerk")
    assert clerk.oidc_subject == f"{hydra.issuer}|clerk-on-the-platform"
    assert password_login(app.test_client(), "clerk", settings.demo_password).status_code == 401


def test_without_staff_sign_in_a_staff_username_claim_gets_no_staff_account(
    app, client, hydra, runtime, demo, settings
):
    sign_in(client, hydra, "someone", claims(NEW_PERSON, "clerk"))
    user = user_where(runtime, User.oidc_subject == f"{hydra.issuer}|someone")
    assert user is not None and user.role == "applicant" and user.username.startswith("oidc-")
    assert client.get("/counter").status_code == 403
    assert user_where(runtime, User.username == "clerk").oidc_subject is None
    assert password_login(app.test_client(), "clerk", settings.demo_password).status_code == 302


@pytest.mark.parametrize("overrides", [{"oidc_claims": "name=xm,id_number=sfzhm,phone=sjhm"}])
def test_the_claim_mapping_reads_the_platforms_own_names(client, hydra, runtime, demo):
    id_token = {"xm": NEW_PERSON["name"], "sfzhm": NEW_PERSON["id_number"], "sjhm": "+86 139-0571-1234"}
    sign_in(client, hydra, "mapped", id_token)
    user = user_where(runtime, User.oidc_subject == f"{hydra.issuer}|mapped")
    assert user is not None and (user.display_name, user.phone) == ("赵文静", "13905711234")


def test_a_claim_mapping_without_the_id_number_is_refused_at_start_up():
    with pytest.raises(ValueError, match="id_number"):
        ClaimMapping.parse("name=name,phone=phone_number")
    with pytest.raises(ValueError, match="surname"):
        ClaimMapping.parse("surname=family_name,name=name,id_number=id_number")
