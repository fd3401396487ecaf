"""The supervisor's township grid (网格化) in a real browser, on a phone: Debian's Chromium driven by Selenium.

A live server like test_browser.py's (waitress in a thread, a fresh data folder with the demo loaded),
with ONEWINDOW_TOWNSHIPS set and cases built through the services in three townships at three clock
colours. The supervisor sees one tile per township, coloured by its worst case with the count inside,
follows a tile to that township's cases, and the page is saved as
test-artifacts/screenshots/supervision-grid.png.
"""

from __future__ import annotations

import threading

import pytest
import scenario
import test_browser
from test_browser import PHONE, SHOTS, Pages

driver = test_browser.driver
PASSWORD = test_browser.PASSWORD
TOWNSHIPS = "锦城街道,锦北街道,青山湖街道,太湖源镇,於潜镇,天目山镇,昌化镇,河桥镇,清凉峰镇"


@pytest.fixture(scope="module")
def grid_server(tmp_path_factory):
    test_browser._browser_or_skip()
    import waitress

    from server.app import create_app
    from server.config import load_settings
    from server.services.demo import load_demo

    settings = load_settings(
        {
            "ONEWINDOW_DATA_DIR": str(tmp_path_factory.mktemp("grid-var")),
            "ONEWINDOW_DEMO_PASSWORD": PASSWORD,
            "ONEWINDOW_PLAIN_HTTP": "true",
            "ONEWINDOW_TOWNSHIPS": TOWNSHIPS,
        }
    )
    app = create_app(settings, migrate=True, start_jobs=False)
    runtime = app.extensions["onewindow"]
    with runtime.db.session() as session:
        load_demo(session, PASSWORD)
    http = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=http.run, name="waitress-grid", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.effective_port}", runtime
    http.close()
    runtime.close()


def _cases(runtime) -> None:
    """Working days used of minsu's 5 (the builder moves acceptance back): 7 is overdue, 4 a warning."""
    plan = [("锦城街道", 7), ("锦城街道", 1), ("青山湖街道", 4), ("青山湖街道", 2), ("太湖源镇", 1), ("於潜镇", 6)]
    with runtime.db.session() as session:
        b = scenario.Builder(runtime, session)
        for township, days in plan:
            app = b.in_progress("minsu", ["wlj"], days)
            app.township = township


def test_the_township_grid_on_a_phone(grid_server, driver):
    base, runtime = grid_server
    _cases(runtime)
    SHOTS.mkdir(parents=True, exist_ok=True)
    p = Pages(driver, base)
    p.size(PHONE)
    p.sign_in("supervisor")
    p.open("/supervision")
    tiles = {t.get_attribute("data-township"): t for t in p.all("#townships li.tile")}
    assert list(tiles) == TOWNSHIPS.split(","), "drawn from the configured list, in its order"
    levels = {name: tile.get_attribute("class").split("tile-")[-1] for name, tile in tiles.items()}
    assert levels["锦城街道"] == levels["於潜镇"] == "red"
    assert levels["青山湖街道"] == "yellow" and levels["太湖源镇"] == "green" and levels["昌化镇"] == "none"
    assert tiles["锦城街道"].find_element("css selector", ".tile-n").text == "2"
    grid = p.css("#townships .grid-tiles")
    assert grid.size["width"] <= PHONE[0], "the grid fits a phone's width"
    columns = p.d.execute_script("return getComputedStyle(arguments[0]).gridTemplateColumns.split(' ').length", grid)
    assert columns >= 2, "tiles sit side by side even on a phone"
    red = p.d.execute_script(
        "return getComputedStyle(arguments[0]).backgroundColor", tiles["锦城街道"].find_element("css selector", "a")
    )
    assert red == "rgb(253, 236, 234)", red
    shot = p.shot("supervision-grid")
    shot.replace(SHOTS / "supervision-grid.png")

    p.click_and_load("#townships li[data-township='青山湖街道'] a")
    assert "/supervision/cases?township=" in driver.current_url
    assert "青山湖街道" in p.css("h1").text and len(p.all("#township-cases tbody tr")) == 2
