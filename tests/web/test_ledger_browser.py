"""An officer's access request approved in the applicant's inbox, and the applicant's access ledger, in a real
browser on a phone (Debian's Chromium driven by Selenium, a live server as in test_browser.py).

消防救援大队's officer, who has no case of 王丽华, asks on the dossier page to read her archived files; the
request arrives in her inbox (screenshot access-request-inbox.png), she approves it, the officer reads her
ID card, and her ledger page lists that read with department, role and purpose (access-ledger.png).
"""

from __future__ import annotations

import threading

import pytest
import scenario
import test_browser
from sqlalchemy import select
from test_browser import PHONE, SHOTS, Pages

from server.models import DossierFile

driver = test_browser.driver
PASSWORD = test_browser.PASSWORD
PURPOSE = "消防安全检查，核验经营者身份"


@pytest.fixture(scope="module")
def ledger_server(tmp_path_factory):
    test_browser._browser_or_skip()
    import waitress

    from server.app import create_app
    from server.config import load_settings
    from server.services.demo import load_demo

    settings = load_settings(
        {
            "ONEWINDOW_DATA_DIR": str(tmp_path_factory.mktemp("ledger-var")),
            "ONEWINDOW_DEMO_PASSWORD": PASSWORD,
            "ONEWINDOW_PLAIN_HTTP": "true",
        }
    )
    app = create_app(settings, migrate=True, start_jobs=False)
    runtime = app.extensions["onewindow"]
    with runtime.db.session() as session:
        load_demo(session, PASSWORD)
    http = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=http.run, name="waitress-ledger", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.effective_port}", runtime
    http.close()
    runtime.close()


def _archived_dossier(runtime) -> tuple[str, str, str]:
    """(dossier id, the ID card's file id, its name) of a 开办民宿 case of 王丽华 filed by 文旅局 only."""
    with runtime.db.session() as session:
        app = scenario.Builder(runtime, session).completed("minsu", "wlj", 1, None)
        dossier_id = app.dossier_id
    with runtime.db.session() as session:
        card = session.scalars(
            select(DossierFile).where(DossierFile.dossier_id == dossier_id, DossierFile.material_type == "id_card")
        ).first()
        return dossier_id, card.id, card.name


def _fits_the_phone(p: Pages) -> None:
    width = p.d.execute_script("return document.documentElement.scrollWidth")
    assert width <= PHONE[0], f"the page is {width} px wide on a {PHONE[0]} px phone"


def test_an_access_request_approved_in_the_inbox_and_the_ledger_page(ledger_server, driver):
    base, runtime = ledger_server
    dossier_id, card_id, card_name = _archived_dossier(runtime)
    SHOTS.mkdir(parents=True, exist_ok=True)
    p = Pages(driver, base)
    p.size(PHONE)

    p.sign_in("officer-xfjy")
    p.open(f"/archive/dossiers/{dossier_id}")
    assert "王**" in p.css("h1").text and "王丽华" not in p.text()
    assert "本部门没有该申请人的在办办件" in p.css("#access-ground").text
    p.fill("#access-request-form input[name=purpose]", PURPOSE)
    p.click_and_load("#access-request-form button")
    assert "调阅申请已发送给申请人" in p.text()
    p.open(f"/archive/dossiers/{dossier_id}/files/{card_id}?purpose={PURPOSE}")
    assert "申请人同意" in p.text(), "refused until the applicant approves"

    p.sign_in("applicant")
    p.open("/notifications")
    item = p.css('.inbox-item[data-kind="access_request"]')
    assert "部门申请调阅您的材料" in item.text and "消防救援大队" in item.text and PURPOSE in item.text
    _fits_the_phone(p)
    p.d.save_screenshot(str(SHOTS / "access-request-inbox.png"))
    p.click_and_load('.inbox-item[data-kind="access_request"] .inbox-actions a')
    assert p.d.current_url.endswith("/my/access-requests")
    p.click_and_load('.access-request[data-status="pending"] button.primary')
    assert "已同意调阅申请" in p.text()
    assert p.css(".access-request").get_attribute("data-status") == "approved"

    p.sign_in("officer-xfjy")
    p.open(f"/archive/dossiers/{dossier_id}/files/{card_id}?purpose={PURPOSE}")
    assert p.d.execute_script("return document.contentType") == "image/jpeg"

    p.sign_in("applicant")
    p.open("/my/access-ledger")
    [entry] = [e for e in p.all("#ledger .ledger-entry") if e.get_attribute("data-action") == "read"]
    assert card_name in entry.text and "消防救援大队" in entry.text and "审批人员" in entry.text
    assert PURPOSE in entry.text
    _fits_the_phone(p)
    p.d.save_screenshot(str(SHOTS / "access-ledger.png"))
