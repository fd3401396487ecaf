"""Applicants for the web and load sections, made the way real ones are: through the API.

Each registers (``POST /api/v1/auth/register`` with a GB 11643 ID number and
a mobile number), signs in for a token, and opens a draft; some submit theirs
so that there are tracking numbers to poll. Many at once are seeded through
the services layer instead (``seeded``: the same account checks, one token
each, no password hashing), since scrypt twice per person would be most of a
quick run; their drafts are still opened through the API. Every client speaks from its own
address (``X-Forwarded-For`` behind the one proxy hop the bench server
trusts), as the applicants of a county do, so the per-address budgets of
registration and tracking apply to each separately.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import requests

SERVICE = "public-hygiene"
"""The demo service with five slots (four required PDFs or images, one optional PDF)."""
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_number(serial: int) -> str:
    """A valid 18-digit resident ID number (GB 11643): area 330102, born 1980-1999, with its check digit."""
    body = f"330102{1980 + serial % 20}{1 + serial % 12:02d}{1 + serial % 28:02d}{serial % 1000:03d}"
    return body + _CHECK[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def address(serial: int) -> str:
    """Client ``serial``'s own IPv4 address (10.x.y.z)."""
    high, low = divmod(serial, 254)
    return f"10.{high // 254 % 254 + 1}.{high % 254 + 1}.{low + 1}"


def pdf(size: int, text: str = "OneWindow bench") -> bytes:
    """A one-page PDF of about ``size`` bytes: a text page plus an unreferenced stream of random bytes
    (a scan's weight without the cost of making one), different every call."""
    content = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    filler = os.urandom(max(0, size - 700))
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n" % len(content) + content + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
        b"<</Length %d>>stream\n" % len(filler) + filler + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@dataclass(frozen=True)
class Applicant:
    serial: int
    token: str
    case_id: str
    phone: str
    tracking_number: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "X-Forwarded-For": address(self.serial)}


def _check(response: requests.Response, expected: int) -> dict:
    if response.status_code != expected:
        raise RuntimeError(f"{response.request.method} {response.url}: {response.status_code} {response.text[:300]}")
    return response.json()


def upload(base: str, applicant: Applicant, slot: str, data: bytes, session: requests.Session) -> dict:
    """``PUT /applications/{id}/materials/{slot}`` with a raw body, checked to be answered 201 with our digest."""
    headers = {**applicant.headers, "Content-Type": "application/pdf", "X-Filename": f"{slot}.pdf"}
    url = f"{base}/api/v1/applications/{applicant.case_id}/materials/{slot}"
    answer = _check(session.put(url, data=data, headers=headers, timeout=300), 201)
    if answer.get("sha256") != hashlib.sha256(data).hexdigest():
        raise RuntimeError(f"{url}: the server's digest {answer.get('sha256')} is not the one sent")
    return answer


def _one(base: str, serial: int, submit: bool) -> Applicant:
    with requests.Session() as http:
        ip = {"X-Forwarded-For": address(serial)}
        username, password = f"bench{serial:04d}", f"Bench-{secrets.token_hex(8)}"
        person = _person(serial)
        _check(http.post(f"{base}/api/v1/auth/register", json={"username": username, "password": password, **person},
                         headers=ip, timeout=60), 201)  # fmt: skip
        token = _check(http.post(f"{base}/api/v1/auth/token", json={"username": username, "password": password},
                                 headers=ip, timeout=60), 201)["token"]  # fmt: skip
        applicant = _draft(base, serial, token, http)
        if not submit:
            return applicant
        for slot in ("commitment", "business_licence", "floor_plan", "health_certs"):
            upload(base, applicant, slot, pdf(20_000, slot), http)
        url = f"{base}/api/v1/applications/{applicant.case_id}/submit"
        answer = _check(http.post(url, json={}, headers=applicant.headers, timeout=60), 200)
        return replace(applicant, tracking_number=answer["tracking_number"])


def _draft(base: str, serial: int, token: str, http: requests.Session) -> Applicant:
    person = _person(serial)
    auth = {"X-Forwarded-For": address(serial), "Authorization": f"Bearer {token}"}
    body = {"service_code": SERVICE, "applicant": person, "form": {"business_name": f"测试商户{serial}"}}
    case_id = _check(http.post(f"{base}/api/v1/applications", json=body, headers=auth, timeout=60), 201)["id"]
    return Applicant(serial, token, case_id, person["phone"])


def _person(serial: int) -> dict[str, str]:
    return {"name": f"测试申请人{serial}", "id_number": id_number(serial), "phone": f"139{serial:08d}"}


def seeded(base: str, database_url: str, count: int, *, first: int) -> list[Applicant]:
    """``count`` applicant accounts made by ``accounts.create_applicant`` (no password: no scrypt) with a
    token each, then a draft each through the API."""
    from server.db import Database
    from server.services import accounts
    from server.services.auth import issue_token

    database = Database(database_url)
    tokens = {}
    try:
        with database.session() as session:
            for serial in range(first, first + count):
                user = accounts.create_applicant(session, username=f"bench{serial:04d}", password=None,
                                                 **_person(serial))  # fmt: skip
                tokens[serial] = issue_token(session, user)
            session.commit()
    finally:
        database.dispose()
    with requests.Session() as http:
        return [_draft(base, serial, token, http) for serial, token in tokens.items()]


def register(base: str, count: int, *, submitted: int = 0, first: int = 1, parallel: int = 4) -> list[Applicant]:
    """``count`` applicants with a draft each; the first ``submitted`` of them have submitted it."""
    with ThreadPoolExecutor(parallel) as pool:
        jobs = [pool.submit(_one, base, first + i, i < submitted) for i in range(count)]
        return [job.result() for job in jobs]
