"""Reuse with preview and consent in a real browser, on a phone: Debian's Chromium driven by Selenium.

A live server like test_browser.py's (waitress in a thread, a fresh data folder with the demo loaded). The
demo applicant holds an archived case whose 营业执照 was issued as an e-licence and whose ID card a clerk
checked against the original. Applying again, she sees each offered file with its thumbnail and level,
opens the confirm step with the page previews and where the copy comes from, and confirms; the confirm page
is saved as test-artifacts/screenshots/reuse-consent.png.
"""

from __future__ import annotations

import threading

import pytest
import test_browser
from sqlalchemy import select
from test_browser import PHONE, SHOTS, Pages
from test_reuse_pages import NUMBER, _licensed

from server.models import Application, ReuseConsent

driver = test_browser.driver
PASSWORD = test_browser.PASSWORD


@pytest.fixture(scope="module")
def reuse_server(tmp_path_factory):
    test_browser._browser_or_skip()
    import scenario
    import waitress

    from server.app import create_app
    from server.config import load_settings
    from server.services.demo import load_demo

    settings = load_settings(
        {
            "ONEWINDOW_DATA_DIR": str(tmp_path_factory.mktemp("reuse-var")),
            "ONEWINDOW_DEMO_PASSWORD": PASSWORD,
            "ONEWINDOW_PLAIN_HTTP": "true",
        }
    )
    app = create_app(settings, migrate=True, start_jobs=False)
    runtime = app.extensions["onewindow"]
    with runtime.db.session() as session:
        load_demo(session, PASSWORD)
    with runtime.db.session() as session:
        _licensed(scenario.Builder(runtime, session))
    http = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=http.run, name="waitress-reuse", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.effective_port}", runtime
    http.close()
    runtime.close()


def test_reuse_with_preview_and_consent_on_a_phone(reuse_server, driver):
    base, runtime = reuse_server
    SHOTS.mkdir(parents=True, exist_ok=True)
    p = Pages(driver, base)
    p.size(PHONE)
    p.sign_in("applicant")
    p.open("/apply/food-grocery")
    p.click_and_load("form.form button.primary")
    assert "/edit" in driver.current_url
    app_id = driver.current_url.split("/my/cases/")[1].split("/")[0]

    offer = p.css("li[data-slot='business_licence'] .offer")
    assert NUMBER in offer.text and "电子证照" in offer.text and "有效期至" in offer.text
    p.images_loaded()
    thumb = offer.find_element("css selector", "img.thumb")
    assert p.d.execute_script("return arguments[0].naturalWidth", thumb) > 0, "the offer's thumbnail is drawn"
    assert offer.size["width"] <= PHONE[0]

    p.click_and_load("li[data-slot='business_licence'] .offer a.secondary")
    assert "/reuse/" in driver.current_url
    p.images_loaded()
    pages = p.all("#pages .consent-pages img")
    assert pages and all(p.d.execute_script("return arguments[0].naturalWidth", img) > 0 for img in pages)
    assert pages[0].size["width"] <= PHONE[0], "the page preview fits the phone"
    facts = p.css("#offer").text
    assert "市场监管局" in facts and NUMBER in facts and "电子证照" in facts
    assert "我已查看上述材料" in p.css("#consent").text
    shot = p.shot("reuse-consent")
    shot.replace(SHOTS / "reuse-consent.png")

    p.click_and_load("#confirm-reuse")
    assert "/edit" in driver.current_url and "已复用档案中的材料" in p.text()
    row = p.css("li[data-slot='business_licence']")
    assert "复用档案" in row.text and not row.find_elements("css selector", ".offer"), "not offered again"
    with runtime.db.session() as session:
        [material] = session.get(Application, app_id).materials
        consent = session.scalar(select(ReuseConsent).where(ReuseConsent.application_id == app_id))
        assert material.level == "issued" and consent.mode == "online" and consent.recorded_by == "王丽华"
