"""Schemathesis against /api/v1/openapi.json, straight on the WSGI app, with a bearer token per role.

The app runs on the embedded defaults with the demo data and cases in several
states; path parameters are drawn from those cases' real ids as well as
generated, so the fuzzing reaches the workflow rather than stopping at 404.
Every answer must be no 5xx, a documented status with the documented content
type and shape, and invalid data must be refused. Generation is derandomized
and keeps no example database, and the ids, tokens and tracking numbers the
server makes come from one seeded generator (``SeededSecrets``), so the same
day's run draws the same requests and a failure it finds comes back. The
example counts are bounded so the module stays within about three minutes on
two cores.
Counts per role are printed for the closing note.
"""

from __future__ import annotations

import base64
import itertools
import random
import secrets
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

sys.path.insert(0, str(Path(__file__).parent / "cases"))

from case_support import Api, jpeg_bytes, pdf_bytes, routed_case

from server.app import create_app
from server.blueprints.api.endpoint import MESSAGE as SCHEMA_REFUSAL
from server.config import load_settings
from server.jobs import Worker
from server.models import User
from server.services.auth import issue_token
from server.services.demo import load_demo

PASSWORD = "fuzz-pass"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]
# Examples per operation and generation mode: signed-in roles, the anonymous caller (401 everywhere but the
# public operations), and the public operations (the same for everyone, so fuzzed once, harder).
EXAMPLES = {"role": (32, 12), "anonymous": (4, 4), "public": (60, 30)}
ROLES = ["anonymous", "admin", "archivist", "supervisor", "officer-wlj", "clerk", "applicant"]
FILES = {
    "applicant_id": (jpeg_bytes(), "身份证.jpg"),
    "business_licence": (pdf_bytes("营业执照 青山村民宿"), "营业执照.pdf"),
    "property_proof": (pdf_bytes("不动产权证书 青山村十八号"), "房产证.pdf"),
    "fire_safety": (pdf_bytes("消防安全检查合格证"), "消防.pdf"),
    "health_certs": (jpeg_bytes(), "健康证.jpg"),
    "floor_plan": (pdf_bytes("民宿平面布局图"), "平面图.pdf"),
}


class SeededSecrets:
    """The ``secrets`` functions the server calls, from one seeded generator: the path parameters are drawn
    from the world's ids, so with random ids two runs fuzzed different requests."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def token_hex(self, nbytes: int = 32) -> str:
        return self.random.randbytes(nbytes).hex()

    def token_urlsafe(self, nbytes: int = 32) -> str:
        return base64.urlsafe_b64encode(self.random.randbytes(nbytes)).rstrip(b"=").decode()

    def choice(self, seq):
        return self.random.choice(seq)


@dataclass
class World:
    app: object
    schema: object
    public: set[tuple[str, str]]
    negatable: set[tuple[str, str]]
    tokens: dict[str, str]
    known: list[dict[str, str]]


def _submitted(api: Api) -> str:
    app_id = api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]
    for slot, (data, name) in FILES.items():
        api.upload(app_id, slot, "applicant", data, name)
    api.json("POST", f"/applications/{app_id}/submit", "applicant")
    return app_id


def _cases(api: Api) -> list[dict[str, str]]:
    """Cases of the demo applicant in several states, and the ids that address them and their parts."""
    draft = api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]
    for slot in ("applicant_id", "business_licence"):
        api.upload(draft, slot, "applicant", *FILES[slot])
    walk_in = api.json(
        "POST",
        "/applications",
        "clerk",
        201,
        json={
            "service_code": "minsu",
            "applicant": {"name": "李建国", "id_number": "330127196508153219", "phone": "13957105678"},
        },
    )["id"]
    submitted, correcting = (_submitted(api) for _ in range(2))
    api.json(
        "POST",
        f"/applications/{correcting}/review",
        "clerk",
        json={"decision": "correct", "verdicts": [{"slot": "floor_plan", "ok": False, "reason": "未标明安全出口"}]},
    )
    routed, approved, archived = (routed_case(api, FILES, ["wlj"]) for _ in range(3))
    for app_id in (approved, archived):
        api.json("POST", f"/applications/{app_id}/decision", "officer-wlj", json={"outcome": "approved"})
        api.call(
            "PUT",
            f"/applications/{app_id}/results/民宿登记证",
            "officer-wlj",
            201,
            data=pdf_bytes("民宿登记证 浙临民宿〔2026〕18号"),
            headers={"Content-Type": "application/pdf"},
        )
    api.json("POST", f"/applications/{archived}/complete", "officer-wlj")
    api.json("POST", f"/applications/{archived}/rating", "applicant", 201, json={"score": 2, "comment": "等待太久"})
    upload = api.json(
        "POST",
        f"/applications/{draft}/uploads",
        "applicant",
        201,
        json={"slot": "floor_plan", "filename": "平面图.pdf", "size": 4096},
    )["upload_id"]

    known: list[dict[str, str]] = []
    for app_id, slot in zip(
        (draft, walk_in, submitted, correcting, routed, approved, archived), itertools.cycle(FILES)
    ):
        case = api.json("GET", f"/applications/{app_id}", "clerk")
        known.append(
            {
                "app_id": app_id,
                "slot": slot,
                "tracking_number": case["tracking_number"] or "",
                "upload_id": upload,
                "file_id": next((m["file_id"] for m in case["materials"]), ""),
                "notice_id": next((n["id"] for n in case["notices"]), ""),
                "result_id": next((r["id"] for r in case["results"]), ""),
                "name": "民宿登记证",
                "code": "minsu",
            }
        )
    dossier_id = known[-1]["dossier_id"] = api.json("GET", f"/applications/{archived}", "clerk")["dossier_id"]
    for file in api.json("GET", f"/archives/{dossier_id}", "officer-wlj")["files"][:4]:
        known.append({"dossier_id": dossier_id, "file_id": file["file_id"], "code": "food-grocery"})
    return known


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[World]:
    with pytest.MonkeyPatch.context() as patch:
        seeded = SeededSecrets(16)
        for name in ("token_hex", "token_urlsafe", "choice"):
            patch.setattr(secrets, name, getattr(seeded, name))
        yield from _world(tmp_path_factory)


def _world(tmp_path_factory) -> Iterator[World]:
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))  # its caches, not in the checkout
    settings = load_settings(
        {"ONEWINDOW_DATA_DIR": str(tmp_path_factory.mktemp("fuzz") / "var"), "ONEWINDOW_DEMO_PASSWORD": PASSWORD}
    )
    app = create_app(settings, migrate=True, start_jobs=False)
    runtime = app.extensions["onewindow"]
    with runtime.db.session() as session:
        load_demo(session, PASSWORD)
    known = _cases(Api(app.test_client(), PASSWORD))
    Worker(runtime.db, runtime).run_until_idle()  # extraction and indexing, so the archive search finds things
    tokens = {}
    with runtime.db.session() as session:
        for role in ROLES[1:]:
            user = session.query(User).filter_by(username=role).one()
            tokens[role] = issue_token(session, user)
        session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # Tokens are sent by the test, per role; unknown query parameters are ignored by design, not refused.
    schema.config.generation.update(with_security_parameters=False, allow_extra_parameters=False)
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    operations = [
        (path, method.upper(), operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]
    public = {(path, method) for path, method, operation in operations if operation["security"] == []}
    # Path parameters are free strings: only a query, headers or a body can be made invalid.
    negatable = {
        (path, method)
        for path, method, operation in operations
        if "requestBody" in operation or any(p["in"] != "path" for p in operation.get("parameters", []))
    }
    yield World(app, schema, public, negatable, tokens, known)
    runtime.close()
    set_hypothesis_home_dir(None)


def _fresh_token(world: World, role: str) -> str:
    """DELETE /auth/token revokes what it is sent with, so each call gets a token of its own."""
    runtime = world.app.extensions["onewindow"]
    with runtime.db.session() as session:
        token = issue_token(session, session.query(User).filter_by(username=role).one())
        session.commit()
    return token


def _strategy(world: World, operation, mode: GenerationMode):
    """Generated path parameters, and the real ids of the world's cases, files, uploads and dossiers."""
    names = set(operation.path_parameters.schema.get("properties", {})) if operation.path_parameters else set()
    branches = [operation.as_strategy(generation_mode=mode)]
    combos = {
        tuple(sorted((name, ids[name]) for name in names))
        for ids in world.known
        if names and names <= set(ids) and all(ids[name] for name in names)
    }
    for combo in sorted(combos)[:10]:
        query = {"phone_last4": "1234"} if "tracking_number" in names else None
        branches.append(operation.as_strategy(generation_mode=mode, path_parameters=dict(combo), query=query))
    return st.one_of(branches)


def _fuzz(world: World, who: str, operations) -> tuple[int, Counter[str], list[str]]:
    """Runs every operation in both generation modes; returns (operations, answers by status class, failures)."""
    failures: Counter[str] = Counter()
    answers: Counter[str] = Counter()
    kind = "public" if who == "public" else "anonymous" if who == "anonymous" else "role"
    role = None if who in ("public", "anonymous") else who
    for operation in operations:
        modes = list(zip((GenerationMode.POSITIVE, GenerationMode.NEGATIVE), EXAMPLES[kind], strict=True))
        for mode, examples in modes if (operation.path, operation.method.upper()) in world.negatable else modes[:1]:

            @settings(
                max_examples=examples,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
                print_blob=False,
            )
            @given(case=_strategy(world, operation, mode))
            def run(case) -> None:
                token = None
                if role is not None:
                    token = _fresh_token(world, role) if operation.method == "delete" else world.tokens[role]  # noqa: B023 - run() is called in this iteration, below
                response = case.call(headers={"Authorization": f"Bearer {token}"} if token else None)
                status = response.status_code
                answers[f"{status // 100}xx" if status < 400 else str(status)] += 1
                problems = _drift(mode, response)  # noqa: B023 - run() is called in this iteration, below
                try:
                    case.validate_response(response, checks=CHECKS)
                except FailureGroup as group:
                    problems += [
                        f"{failure.title}: {failure.message.splitlines()[0] if failure.message else ''}"
                        for failure in group.exceptions
                    ]
                for problem in problems:
                    key = f"{operation.label} [{mode.value}, {response.status_code}] {problem}"  # noqa: B023 - run() is called in this iteration, below
                    if not failures[key]:
                        request = response.request
                        print(
                            f"\n{who}: {key}\n  {request.method} {request.url}\n  body: "
                            f"{str(case.body)[:300]}\n  answer: {response.text[:300]}"
                        )
                    failures[key] += 1

            run()
    return len(operations), answers, sorted(failures)


def _drift(mode: GenerationMode, response) -> list[str]:
    """Data the document allows must pass the schemas that validate it (the services may still refuse it)."""
    if mode is not GenerationMode.POSITIVE or response.status_code != 400:
        return []
    error = response.json()["error"]
    if error["message"] != SCHEMA_REFUSAL:
        return []
    return [f"the document allows what the schemas refuse: {error['details']['fields']}"]


def _operations(world: World, public: bool) -> list:
    found = [result.ok() for result in world.schema.get_all_operations()]
    return [op for op in found if ((op.path, op.method.upper()) in world.public) == public]


@pytest.mark.parametrize("who", ["public", *ROLES])
def test_fuzz(world, who, capsys):
    started = time.monotonic()
    operations = _operations(world, public=who == "public")
    count, answers, failures = _fuzz(world, who, operations)
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(answers.items()))
    line = (
        f"schemathesis {who}: {count} operations, {sum(answers.values())} cases, {len(failures)} failures "
        f"({time.monotonic() - started:.0f}s; {statuses})"
    )
    with capsys.disabled():
        print("\n" + line)
    assert not failures, "\n".join(failures)
