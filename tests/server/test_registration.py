"""Applicant accounts over the API: registration, who am I, password change, and walk-in cases joining the account."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from limits import parse_many
from openapi_schema_validator import OAS31Validator

sys.path.insert(0, str(Path(__file__).parent / "cases"))

from case_support import MINSU_APPLICANT, Api, jpeg_bytes, pdf_bytes

from server.web.throttle import REGISTRATION_LIMITS

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17: str) -> str:
    """A resident ID number with its GB 11643 check digit, computed here independently of the server."""
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


PERSON = {"name": "周明远", "id_number": id_number("33012719900214561"), "phone": "13905712468"}
PASSWORD = "青山绿水-晴天-2026"


def registration(username: str = "zhoumy", **changes: str) -> dict[str, str]:
    return {"username": username, "password": PASSWORD, **PERSON, **changes}


@pytest.fixture
def api(client, demo, settings) -> Api:
    return Api(client, settings.demo_password)


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def conforms(document: dict, path: str, method: str, status: int, body) -> None:
    content = document["paths"]["/api/v1" + path][method]["responses"][str(status)]["content"]
    schema = {**content["application/json"]["schema"], "components": document["components"]}
    assert not [e.message for e in OAS31Validator(schema).iter_errors(body)]


def register(api: Api, expect: int, **body) -> dict:
    return api.json("POST", "/auth/register", None, expect, json=body)


def sign_in(api: Api, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = api.client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def as_user(api: Api, method: str, path: str, headers: dict[str, str], expect: int, **kwargs):
    response = api.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)
    assert response.status_code == expect, (method, path, response.status_code, response.get_data(as_text=True)[:500])
    return response.get_json() if response.is_json else response


def test_the_check_digits_used_here_are_right():
    assert id_number(MINSU_APPLICANT["id_number"][:17]) == MINSU_APPLICANT["id_number"]


def test_register_sign_in_and_who_am_i(api, document):
    created = register(api, 201, **registration(email="zhou@example.cn"))
    conforms(document, "/auth/register", "post", 201, created)
    assert created["username"] == "zhoumy" and created["role"] == "applicant" and created["linked_cases"] == 0
    me = as_user(api, "GET", "/me", sign_in(api, "zhoumy"), 200)
    conforms(document, "/me", "get", 200, me)
    assert me == {
        "username": "zhoumy",
        "display_name": "周明远",
        "role": "applicant",
        "department": None,
        "applicant": {"name": "周明远", "id_number": "*" * 14 + PERSON["id_number"][-4:], "phone": "139****2468"},
    }
    assert PERSON["id_number"] not in str(me) and PERSON["phone"] not in str(me)


def test_who_am_i_for_staff(api):
    officer = api.json("GET", "/me", "officer-scjg")
    assert officer["role"] == "officer" and officer["department"] == "scjg" and officer["applicant"] is None
    assert api.json("GET", "/me", "clerk")["department"] is None
    api.call("GET", "/me", None, 401)


def test_openapi_documents_registration_as_public_and_throttled(document):
    post = document["paths"]["/api/v1/auth/register"]["post"]
    assert post["security"] == [] and {"201", "400", "409", "429"} <= set(post["responses"])
    put = document["paths"]["/api/v1/me/password"]["put"]
    assert {"204", "400", "401", "403", "429"} <= set(put["responses"]) and put["security"] == [{"bearer": []}]
    assert "200" in document["paths"]["/api/v1/me"]["get"]["responses"]


def test_a_wrong_check_digit_is_named_with_every_other_bad_field(api):
    wrong = PERSON["id_number"][:17] + ("0" if PERSON["id_number"][17] != "0" else "1")
    error = register(api, 400, **registration("Zhou My!", id_number=wrong, phone="1390571246", password="short"))
    fields = error["error"]["details"]["fields"]
    assert set(fields) == {"id_number", "phone", "password", "username"}
    assert fields["id_number"].startswith("校验码不正确") and "check digit" in fields["id_number"]
    assert "11位手机号码" in fields["phone"]
    assert "至少10位" in fields["password"]


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("phone", "23905712468", "11位手机号码"),
        ("phone", "", "必填"),
        ("id_number", "33012719901314561X", "出生日期"),
        ("id_number", "3301271990021456", "18位"),
        ("email", "zhou@", "电子邮箱"),
        ("name", " ", "必填"),
    ],
)
def test_invalid_person_details_are_named(api, field, value, says):
    fields = register(api, 400, **registration(**{field: value}))["error"]["details"]["fields"]
    assert list(fields) == [field] and says in fields[field]


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("Abc12345", "至少10位"),
        ("woaini1314", "太常见"),
        ("password123", "太常见"),
        ("zhoumy-secret-2026", "不能包含"),  # the username
        ("x" + PERSON["phone"] + "!", "不能包含"),
        (PERSON["id_number"], "不能包含"),
    ],
)
def test_short_common_and_personal_passwords_are_refused(api, password, says):
    fields = register(api, 400, **registration(password=password))["error"]["details"]["fields"]
    assert list(fields) == ["password"] and says in fields["password"]


def test_a_taken_username_or_a_registered_id_number_is_a_conflict(api):
    register(api, 201, **registration())
    taken = register(api, 409, **registration(id_number=id_number("33012719920505123")))["error"]
    assert taken["details"]["fields"] == {"username": "taken"} and "用户名已被使用" in taken["message"]
    again = register(api, 409, **registration("zhou-again"))["error"]
    assert again["details"]["fields"] == {"id_number": "registered"} and "请直接登录" in again["message"]
    demo = register(api, 409, **registration("wanglh", **MINSU_APPLICANT))["error"]
    assert demo["details"]["fields"] == {"id_number": "registered"}, "the demo applicant has that ID number"


def test_registration_is_throttled_per_client(api, client):
    allowed = min(limit.amount for limit in parse_many(REGISTRATION_LIMITS[0].limits))
    for attempt in range(allowed):
        answer = client.post("/api/v1/auth/register", json=registration(f"bot{attempt}", phone="0"))
        assert answer.status_code == 400, "every attempt counts, refused ones too"
    throttled = client.post("/api/v1/auth/register", json=registration())
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 1
    assert throttled.get_json()["error"]["code"] == "too_many_requests"
    other = client.post("/api/v1/auth/register", json=registration(), environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert other.status_code == 201, "another address has its own budget"


def _completed_walk_in(api: Api) -> tuple[str, str]:
    """A sole-trader case the clerk opened at the window for PERSON, decided and completed: (case id, result id)."""
    case = api.json("POST", "/applications", "clerk", 201, json={"service_code": "sole-trader", "applicant": PERSON})[
        "id"
    ]
    for slot, data, name in (
        ("application_form", pdf_bytes("个体工商户登记申请书"), "申请书.pdf"),
        ("operator_id", jpeg_bytes(), "身份证.jpg"),
        ("premises_proof", pdf_bytes("经营场所使用证明"), "场所证明.pdf"),
    ):
        api.upload(case, slot, "clerk", data, name)
    api.json("POST", f"/applications/{case}/submit", "clerk")
    api.json("POST", f"/applications/{case}/review", "clerk", json={"decision": "accept"})
    api.json("POST", f"/applications/{case}/route", "clerk", json={"departments": ["scjg"]})
    api.json("POST", f"/applications/{case}/decision", "officer-scjg", json={"outcome": "approved"})
    result = api.json(
        "PUT",
        f"/applications/{case}/results/营业执照",
        "officer-scjg",
        201,
        data=pdf_bytes("营业执照 周明远"),
        headers={"Content-Type": "application/pdf"},
    )["id"]
    api.json("POST", f"/applications/{case}/complete", "officer-scjg")
    return case, result


def test_a_walk_in_case_joins_the_account_registered_for_its_id_number(api):
    case, result = _completed_walk_in(api)
    assert register(api, 201, **registration())["linked_cases"] == 1
    mine = sign_in(api, "zhoumy")
    listed = as_user(api, "GET", "/applications", mine, 200)
    assert [item["id"] for item in listed["items"]] == [case]
    detail = as_user(api, "GET", f"/applications/{case}", mine, 200)
    assert detail["status"] == "archived" and {"rate", "download_results"} <= set(detail["allowed_actions"])
    licence = as_user(api, "GET", f"/applications/{case}/results/{result}", mine, 200)
    assert licence.data.startswith(b"%PDF")
    as_user(api, "POST", f"/applications/{case}/rating", mine, 201, json={"score": 5, "comment": "一次办好"})


def test_a_case_opened_after_registration_joins_at_the_next_sign_in(api):
    register(api, 201, **registration())
    before = sign_in(api, "zhoumy")
    case = api.json("POST", "/applications", "clerk", 201, json={"service_code": "sole-trader", "applicant": PERSON})
    assert as_user(api, "GET", "/applications", before, 200)["total"] == 0
    after = sign_in(api, "zhoumy")
    assert [item["id"] for item in as_user(api, "GET", "/applications", after, 200)["items"]] == [case["id"]]
    other = api.json("GET", "/applications", "applicant2")
    assert case["id"] not in [item["id"] for item in other["items"]], "only the holder of the ID number gets it"


def test_changing_the_password_ends_every_other_sign_in(api):
    register(api, 201, **registration())
    caller, other = sign_in(api, "zhoumy"), sign_in(api, "zhoumy")
    change = "/me/password"
    wrong = as_user(api, "PUT", change, caller, 403, json={"current_password": "nope", "new_password": "x"})
    assert wrong["error"]["details"]["fields"] == {"current_password": "wrong"}
    weak = as_user(api, "PUT", change, caller, 400, json={"current_password": PASSWORD, "new_password": "woaini1314"})
    assert list(weak["error"]["details"]["fields"]) == ["new_password"]
    as_user(api, "GET", "/me", other, 200)  # refusals change nothing

    new = "长河落日-圆-2027"
    as_user(api, "PUT", change, caller, 204, json={"current_password": PASSWORD, "new_password": new})
    assert as_user(api, "GET", "/me", caller, 200)["username"] == "zhoumy", "the calling token stays valid"
    as_user(api, "GET", "/me", other, 401)
    old = api.client.post("/api/v1/auth/token", json={"username": "zhoumy", "password": PASSWORD})
    assert old.status_code == 401
    sign_in(api, "zhoumy", new)


def test_staff_change_their_password_too(api, settings):
    clerk = api.headers("clerk")
    body = {"current_password": settings.demo_password, "new_password": "窗口-受理-2026-春"}
    as_user(api, "PUT", "/me/password", clerk, 204, json=body)
    sign_in(api, "clerk", body["new_password"])
