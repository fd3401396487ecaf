"""Helpers for the reuse tests: cases of the demo applicant taken through the API to their dossier."""

from __future__ import annotations

from case_support import Api, jpeg_bytes, pdf_bytes


def sample(slot: dict, text: str) -> tuple[bytes, str, str]:
    """A file the slot accepts, whose bytes differ by ``text``: (bytes, name, content type)."""
    if "pdf" in slot["formats"]:
        return pdf_bytes(text), f"{slot['slot']}.pdf", "application/pdf"
    return jpeg_bytes(), f"{slot['slot']}.jpg", "image/jpeg"


def draft(api: Api, service: str, user: str = "applicant", applicant: dict | None = None) -> str:
    body: dict = {"service_code": service}
    if applicant is not None:
        body["applicant"] = applicant
    return api.json("POST", "/applications", user, 201, json=body)["id"]


def fill(api: Api, app_id: str, user: str = "applicant", *, tag: str = "", skip: tuple[str, ...] = ()) -> None:
    """Uploads a file into every required slot still empty (``tag`` makes the PDFs' bytes differ)."""
    case = api.json("GET", f"/applications/{app_id}", user)
    have = {m["slot"] for m in case["materials"]}
    for slot in case["slots"]:
        if slot["required"] and slot["slot"] not in have and slot["slot"] not in skip:
            data, name, media = sample(slot, f"{slot['name']} {tag}")
            api.json(
                "PUT",
                f"/applications/{app_id}/materials/{slot['slot']}",
                user,
                201,
                data=data,
                headers={"Content-Type": media, "X-Filename": name},
            )


def accepted(api: Api, app_id: str, user: str = "applicant", verdicts: list[dict] | None = None) -> dict:
    """Submitted and accepted at the window, with ``verdicts`` (none: the clerk gave no verdict)."""
    api.json("POST", f"/applications/{app_id}/submit", user)
    body: dict = {"decision": "accept"}
    if verdicts is not None:
        body["verdicts"] = verdicts
    return api.json("POST", f"/applications/{app_id}/review", "clerk", json=body)


def archived(
    api: Api, app_id: str, department: str, *, result: str = "决定书", query: str = "", expect: int = 201
) -> dict:
    """Routed to ``department``, a result uploaded (``query``: its licence facts), approved and completed."""
    officer = f"officer-{department}"
    api.json("POST", f"/applications/{app_id}/route", "clerk", json={"departments": [department]})
    api.json(
        "PUT",
        f"/applications/{app_id}/results/{result}{query}",
        officer,
        expect,
        data=pdf_bytes(f"{result} {app_id}"),
        headers={"Content-Type": "application/pdf"},
    )
    api.json("POST", f"/applications/{app_id}/decision", officer, json={"outcome": "approved"})
    return api.json("POST", f"/applications/{app_id}/complete", officer)


def licence_case(api: Api, number: str, valid_until: str = "") -> dict:
    """个体工商户设立登记 of the demo applicant, its 营业执照 issued by 市场监管局 as an e-licence, archived."""
    app_id = draft(api, "sole-trader")
    fill(api, app_id, tag=number)
    accepted(api, app_id)
    query = f"?licence_type=business_licence&licence_number={number}"
    if valid_until:
        query += f"&valid_until={valid_until}"
    return archived(api, app_id, "scjg", result="营业执照", query=query)


def offers(api: Api, app_id: str, user: str = "applicant") -> dict[str, list[dict]]:
    return api.json("GET", f"/applications/{app_id}/reusable", user)["slots"]
