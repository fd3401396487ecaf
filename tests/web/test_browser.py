"""The whole one-window loop in a real browser: Debian's Chromium driven by Selenium through the pages.

Selenium rather than Playwright: Debian ships chromedriver built from the same
source as its chromium, so the pair always matches, and the pip package is
pure Python. Playwright's own browser download cannot work here, and driving
a distribution Chromium is outside what Playwright promises to support.

The real server runs in a thread (waitress on a free loopback port, jobs
in-process, a fresh data folder with the demo loaded). One chunk upload is cut
off half-way by a test middleware, as a flaky mobile link would, so the page's
resume-from-the-server's-offset path runs too. Each page is saved as a
screenshot under test-artifacts/screenshots/ (phone-sized for applicant
pages, desktop for staff pages).
"""

from __future__ import annotations

import base64
import os
import threading
import time
from pathlib import Path

import pytest
import scenario
from sqlalchemy import select
from web_support import jpeg_bytes, pdf_bytes

from server.models import Dossier, Job

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
IN_CI = os.environ.get("CI", "").lower() == "true"
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = (390, 844)
DESKTOP = (1280, 900)
PASSWORD = "demo-browser"
WAIT = 30
# The job threads run niced behind the web threads (server/jobs/worker.py), and in CI the other test
# worker keeps both cores busy: background work gets minutes, a page gets WAIT seconds.
JOBS_WAIT = 300


def _browser_or_skip() -> None:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(path)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the pip package selenium")
    if missing:
        reason = (
            f"browser test needs {', '.join(missing)} (apt-get install chromium chromium-driver; pip install selenium)"
        )
        if IN_CI:
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)


class DropOneChunk:
    """WSGI middleware that lets the server take only half of one chunk, then answers 502 like a broken proxy."""

    def __init__(self, app) -> None:
        self.app = app
        self.armed = True
        self.dropped: list[str] = []

    def __call__(self, environ, start_response):
        offset = environ.get("HTTP_UPLOAD_OFFSET", "0")
        if (
            self.armed
            and environ["REQUEST_METHOD"] == "PATCH"
            and environ["PATH_INFO"].startswith("/uploads/")
            and offset != "0"
        ):
            self.armed = False
            environ["CONTENT_LENGTH"] = str(int(environ.get("CONTENT_LENGTH") or 0) // 2)
            result = self.app(environ, lambda *args, **kwargs: None)
            for _ in result:
                pass
            getattr(result, "close", lambda: None)()
            self.dropped.append(environ["PATH_INFO"])
            start_response("502 Bad Gateway", [("Content-Type", "text/plain")])
            return [b"upstream connection lost"]
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _browser_or_skip()
    import waitress

    from server.app import create_app
    from server.config import load_settings
    from server.services.demo import load_demo

    data = tmp_path_factory.mktemp("browser-var")
    settings = load_settings(
        {
            "ONEWINDOW_DATA_DIR": str(data),
            "ONEWINDOW_DEMO_PASSWORD": PASSWORD,
            "ONEWINDOW_JOB_POLL_SECONDS": "0.3",
            "ONEWINDOW_PLAIN_HTTP": "true",
        }
    )
    app = create_app(settings, migrate=True, start_jobs=True)
    runtime = app.extensions["onewindow"]
    with runtime.db.session() as session:
        load_demo(session, PASSWORD)
    wsgi = DropOneChunk(app)
    http = waitress.create_server(wsgi, host="127.0.0.1", port=0, threads=6)
    thread = threading.Thread(target=http.run, name="waitress", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.effective_port}", wsgi, runtime
    http.close()
    app.extensions["onewindow.worker"].stop()
    runtime.close()


def wait_for_job(runtime, subject: str, what: str) -> None:
    """Until a job about ``subject`` is done; failing, it shows what the queue still held and why."""
    deadline = time.monotonic() + JOBS_WAIT
    while time.monotonic() < deadline:
        with runtime.db.session() as session:
            if session.scalar(select(Job.id).where(Job.subject == subject, Job.status == "done")):
                return
        time.sleep(0.2)
    with runtime.db.session() as session:
        waiting = session.scalars(select(Job).where(Job.status != "done").order_by(Job.run_after)).all()
        held = "\n".join(
            f"  {j.kind} {j.subject} {j.status} attempts={j.attempts} run_after={j.run_after:%H:%M:%S} "
            f"{j.last_error[-300:]!r}"
            for j in waiting
        )
    pytest.fail(f"{what} ({subject}) not done after {JOBS_WAIT} s; jobs not done:\n{held}", pytrace=False)


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    _browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--lang=zh-CN",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    browser.set_page_load_timeout(60)
    yield browser
    browser.quit()


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("upload-files")
    made = {
        # about 700 KB of incompressible pixels: three chunks, so one can be dropped and resumed
        "身份证.jpg": jpeg_bytes((560, 560), noise=True),
        "营业执照.pdf": pdf_bytes("营业执照 青山村民宿有限公司"),
        "房产证.pdf": pdf_bytes("不动产权证书 临安区青山村十八号", pages=2),
        "消防承诺书.pdf": pdf_bytes("消防安全承诺书"),
        "平面图.pdf": pdf_bytes("民宿平面布局图"),
        "平面图-修改版.pdf": pdf_bytes("民宿平面布局图 安全出口两处 消防通道"),
        "健康证.jpg": jpeg_bytes((320, 200)),
        "民宿登记证.pdf": pdf_bytes("民宿登记证 浙临民宿〔2026〕18号"),
    }
    paths = {}
    for name, data in made.items():
        path = folder / name
        path.write_bytes(data)
        paths[name] = path
    return paths


class Pages:
    """The browser, the running server, and the steps a person takes: sign in, click, upload, look."""

    def __init__(self, driver, base: str) -> None:
        self.d = driver
        self.base = base
        self.count = 0

    def size(self, width_height: tuple[int, int]) -> None:
        width, height = width_height
        self.d.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 700},
        )

    def open(self, path: str) -> None:
        self.d.get(self.base + path)

    def css(self, selector: str):
        from selenium.webdriver.common.by import By

        return self.d.find_element(By.CSS_SELECTOR, selector)

    def all(self, selector: str):
        from selenium.webdriver.common.by import By

        return self.d.find_elements(By.CSS_SELECTOR, selector)

    def wait(self, condition, timeout: float = WAIT, message: str = ""):
        """A page that reloads while the condition reads it raises "node does not belong to the document" (a
        WebDriverException, not a StaleElementReferenceException): that is "not yet", so waiting goes on."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.d, timeout, poll_frequency=0.1, ignored_exceptions=(WebDriverException,)).until(
            lambda d: condition(), message
        )

    def click(self, selector: str) -> None:
        element = self.css(selector)
        self.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def click_and_load(self, selector: str) -> None:
        """Clicks something that navigates, and waits until a new document has replaced the old one and loaded."""
        self.d.execute_script("window.__owOldPage = true")
        self.click(selector)
        self.wait(self._new_page_loaded, message=f"no navigation after clicking {selector}")

    def _new_page_loaded(self) -> bool:
        from selenium.common.exceptions import WebDriverException

        try:
            return self.d.execute_script("return !window.__owOldPage && document.readyState === 'complete'")
        except WebDriverException:  # the old document went away while we asked
            return False

    def text(self) -> str:
        return self.css("body").text

    def sign_in(self, user: str) -> None:
        self.d.delete_all_cookies()
        self.open("/login")
        self.css("input[name=username]").send_keys(user)
        self.css("input[name=password]").send_keys(PASSWORD)
        self.click_and_load("form.form button.primary")
        assert "用户名或密码错误" not in self.text()

    def fill(self, selector: str, value: str) -> None:
        element = self.css(selector)
        element.clear()
        element.send_keys(value)

    def upload(self, slot: str, path: Path) -> None:
        """Chooses a file in the slot's real file input and waits until its progress bar reports 100 %."""
        row = f'li[data-slot="{slot}"]'
        self.css(f"{row} input[type=file]").send_keys(str(path))
        self.wait(
            lambda: "uploaded" in self.css(row).get_attribute("class"),
            message=f"{slot}: upload did not finish: {self.css(row).text}",
        )
        bar = self.css(f"{row} .progress")
        assert bar.get_attribute("aria-valuenow") == "100"
        assert self.css(f"{row} .bar").get_attribute("style").replace(" ", "") == "width:100%;"

    def images_loaded(self) -> None:
        """Scrolls to each image still loading, as a reader would: previews load lazily and are never cached."""
        self.wait(
            lambda: self.d.execute_script("""
            const pending = Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0));
            if (pending.length) pending[0].scrollIntoView({block: 'center'});
            return pending.length === 0;"""),
            message="page previews did not load",
        )

    def shot(self, name: str) -> Path:
        """A full-page PNG, numbered in the order of the loop."""
        self.count += 1
        metrics = self.d.execute_cdp_cmd("Page.getLayoutMetrics", {})
        content = metrics.get("cssContentSize") or metrics["contentSize"]
        viewport = metrics.get("cssLayoutViewport") or metrics["layoutViewport"]
        clip = {"x": 0, "y": 0, "width": viewport["clientWidth"], "height": min(content["height"], 8000), "scale": 1}
        data = self.d.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
        )
        path = SHOTS / f"{self.count:02d}-{name}.png"
        path.write_bytes(base64.b64decode(data["data"]))
        return path

    def fetch(self, url: str) -> dict:
        """GETs a link with the page's session, as a click would, and returns the status and first bytes."""
        return self.d.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            fetch(arguments[0]).then(async r => {
              const head = new Uint8Array(await r.arrayBuffer()).slice(0, 5);
              done({status: r.status, type: r.headers.get('content-type'), head: String.fromCharCode(...head)});
            }).catch(e => done({status: 0, error: String(e)}));""",
            url,
        )


def test_the_whole_loop_in_chromium(server, driver, files):
    base, wsgi, runtime = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    # Only this loop's own shots: the other browser tests write theirs here at the same time.
    for old in SHOTS.glob("[0-9][0-9]-*.png"):
        old.unlink()
    p = Pages(driver, base)

    # --- the applicant, on a phone: guide → apply → uploads (one dropped chunk resumes) → submit with 容缺
    p.size(PHONE)
    p.open("/")
    assert "办事指南" in p.text() and "开办民宿" in p.text()
    p.shot("guides")
    p.open("/services/minsu")
    p.shot("service-guide")
    p.click_and_load("a[href='/apply/minsu']")
    assert "/login" in driver.current_url
    p.shot("login")
    p.css("input[name=username]").send_keys("applicant")
    p.css("input[name=password]").send_keys(PASSWORD)
    p.click_and_load("form.form button.primary")
    assert driver.current_url.endswith("/apply/minsu")
    p.fill("input[name=business_name]", "青山村民宿")
    p.fill("input[name=address]", "临安区青山村十八号")
    p.shot("apply")
    p.click_and_load("form.form button.primary")
    assert "/edit" in driver.current_url
    app_id = driver.current_url.split("/my/cases/")[1].split("/")[0]

    p.upload("applicant_id", files["身份证.jpg"])
    assert wsgi.dropped, "the middleware should have cut one chunk off"
    p.upload("business_licence", files["营业执照.pdf"])
    p.upload("property_proof", files["房产证.pdf"])
    p.upload("fire_safety", files["消防承诺书.pdf"])
    p.upload("floor_plan", files["平面图.pdf"])
    p.images_loaded()
    p.shot("uploads-done")

    p.click_and_load("#case-form button.primary")
    assert "材料不齐全" in p.text() and "从业人员健康证明" in p.text()
    p.shot("submit-missing-409")
    p.click("input[name=defer][value=health_certs]")
    p.fill("textarea[name=undertaking]", "本人承诺于十个工作日内补交从业人员健康证明")
    p.click_and_load("#case-form button.primary")
    assert f"/my/cases/{app_id}" in driver.current_url and "已提交" in p.text()
    tracking = p.css(".case-head h1").text.strip()
    p.shot("status-submitted")

    # --- the clerk, at a desk: queue → review with page previews → one-time correction notice
    p.size(DESKTOP)
    p.sign_in("clerk")
    p.open("/counter")
    assert tracking in p.text()
    p.shot("counter-queue")
    p.open(f"/counter/cases/{app_id}")
    p.images_loaded()
    assert len(p.all("#slot-property_proof .page-thumb")) == 2, "both pages of the deed are previewed"
    for slot in ("applicant_id", "business_licence", "property_proof", "fire_safety"):
        p.click(f"input[name='verdict-{slot}'][value=ok]")
    p.click("input[name='verdict-floor_plan'][value=bad]")
    p.fill("input[name='reason-floor_plan']", "未标明安全出口和消防通道")
    p.shot("counter-review")
    p.click_and_load("button[name=decision][value=correct]")
    assert "待补正" in p.text()

    # --- the applicant fixes the one item and resubmits
    p.size(PHONE)
    p.sign_in("applicant")
    p.open("/my/cases")
    p.shot("my-cases")
    p.click_and_load(f"a[href='/my/cases/{app_id}/edit']")
    assert "未标明安全出口和消防通道" in p.text()
    p.shot("correction-notice")
    p.upload("floor_plan", files["平面图-修改版.pdf"])
    p.click("input[name=defer][value=health_certs]")
    p.fill("textarea[name=undertaking]", "本人承诺于十个工作日内补交从业人员健康证明")
    p.click_and_load("#case-form button.primary")
    assert "已提交" in p.text()

    # --- the clerk accepts with the gap and routes to two of the default departments
    p.size(DESKTOP)
    p.sign_in("clerk")
    p.open(f"/counter/cases/{app_id}")
    p.click("input[name='verdict-floor_plan'][value=ok]")
    p.click_and_load("button[name=decision][value=accept_with_gap]")
    assert "容缺受理" in p.text()
    checked = {box.get_attribute("value") for box in p.all("input[name=departments]") if box.is_selected()}
    assert checked == {"wlj", "scjg", "gaj", "xfjy", "wjj"}, "owner and cooperating departments by default"
    for code in ("scjg", "gaj", "wjj"):
        p.click(f"input[name=departments][value={code}]")
    p.shot("counter-route")
    p.click_and_load("#route button.primary")
    assert "办理中" in p.text()

    # --- the applicant brings the deferred health certificate
    p.size(PHONE)
    p.sign_in("applicant")
    p.open(f"/my/cases/{app_id}")
    p.upload("health_certs", files["健康证.jpg"])
    p.shot("gap-upload")

    # --- the window checks the late certificate: no department decides before it is accepted
    p.size(DESKTOP)
    p.sign_in("clerk")
    p.open(f"/counter/cases/{app_id}")
    assert "已补交待核验" in p.text()
    p.click_and_load("#gap-items button[name=ok][value=yes]")
    assert "核验合格" in p.text()

    # --- the fire brigade decides its part; culture & tourism uploads the licence, decides, completes
    p.size(DESKTOP)
    p.sign_in("officer-xfjy")
    p.open("/dept")
    assert tracking in p.text()
    p.shot("dept-queue")
    p.open(f"/dept/cases/{app_id}")
    p.click_and_load("button[name=outcome][value=approved]")
    p.sign_in("officer-wlj")
    p.open(f"/dept/cases/{app_id}")
    p.images_loaded()
    p.fill("form[data-result-upload] input[name=name]", "民宿登记证")
    p.css("form[data-result-upload] input[type=file]").send_keys(str(files["民宿登记证.pdf"]))
    p.click("form[data-result-upload] button")
    p.wait(lambda: p.css("form[data-result-upload] .progress").get_attribute("aria-valuenow") == "100")
    p.wait(lambda: "民宿登记证.pdf" in p.text(), message="the page did not reload with the result")
    p.shot("dept-case")
    p.fill("#decide textarea[name=note]", "符合民宿登记条件")
    p.click_and_load("button[name=outcome][value=approved]")
    assert "准予许可" in p.text()
    p.click_and_load("#complete button.primary")
    assert "已归档" in p.text()
    p.shot("dept-completed")

    # --- the applicant downloads the result and a notice, and rates the service
    p.size(PHONE)
    p.sign_in("applicant")
    p.open(f"/my/cases/{app_id}")
    result_link = p.css(".doc-list a[href*='/results/']").get_attribute("href")
    assert p.fetch(result_link)["head"] == "%PDF-"
    notice_link = p.css(".doc-list a[href$='.pdf']").get_attribute("href")
    fetched = p.fetch(notice_link)
    assert fetched["status"] == 200 and fetched["type"] == "application/pdf"
    p.shot("status-completed")
    driver.find_element("css selector", "label[for=score-4]").click()
    p.fill("textarea[name=comment]", "一次也没跑，网上就办好了")
    p.click_and_load("#rating button.primary")
    assert "感谢您的评价" in p.text()
    p.shot("rated")
    p.open(f"/my/cases/{app_id}?lang=en")
    assert "Archived" in p.text() and "Your rating" in p.text()
    p.shot("status-english")

    # --- anyone can track the case without seeing personal data
    p.d.delete_all_cookies()
    p.open(f"/track?number={tracking}&phone_last4=1234")
    assert "已归档" in p.text() and "王丽华" not in p.text()
    p.shot("track")

    # --- the supervisor's dashboard, over this case and a scenario of others built through the services
    _expected, others = scenario.build(runtime)
    p.size(DESKTOP)
    p.sign_in("supervisor")
    p.open("/supervision")
    assert p.css("#kpi-rating .kpi-n").text == "3.67", "ratings 4 (this loop), 2 and 5 (the scenario)"
    assert others["overdue"] in p.css("#overdue").text and others["warning"] in p.css("#warning").text
    assert len(p.all("svg.chart")) == 4
    p.shot("supervision")

    # --- a department officer finds the archived dossier by what it says, on a phone
    p.size(PHONE)
    p.sign_in("officer-wlj")

    # The rating is filed as the dossier's next version, which supersedes (and unindexes) the sealed one; the
    # scenario's dossiers of the same applicant are indexed too, some before this one. Wait for this version.
    wait_for_job(runtime, f"application:{app_id}", "filing the rating in the archive")
    with runtime.db.session() as session:
        dossier_id = session.scalar(
            select(Dossier.id).where(Dossier.application_id == app_id, Dossier.superseded.is_(False))
        )
    this_hit = f"article.hit:has(h2 a[href^='/archive/dossiers/{dossier_id}'])"
    wait_for_job(runtime, f"index:{dossier_id}", "indexing the dossier's current version")

    def indexed() -> bool:
        p.open("/archive?q=王丽华")
        return bool(p.all(this_hit))

    p.wait(indexed, message="the dossier's current version is indexed but not found")
    assert p.css(f"{this_hit} mark").text == "王丽华"
    p.shot("archive-search")
    p.click_and_load(f"{this_hit} h2 a")
    assert "调阅" in p.text()
    p.shot("archive-dossier")

    # every page above ran under the server's CSP: nothing was refused
    refused = [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]
    assert not refused, refused
