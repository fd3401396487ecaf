"""The administrator's pages in a real browser, on a phone: Debian's Chromium driven by Selenium.

The same live server and browser as test_browser.py (waitress in a thread, a fresh data folder with
the demo loaded). The admin creates a department, a material type and a service with two materials
through the forms, sees a field error, publishes a second version, creates an officer and deactivates
them (accepting the confirmation the page asks for), and reads the audit log. Each admin page is saved
as test-artifacts/screenshots/admin-NN-<page>.png, and the browser log must show no CSP violation.
"""

from __future__ import annotations

import test_browser
from test_browser import PHONE, SHOTS, Pages

# The live server and the browser, as the whole-loop test starts them (module-scoped: one each here).
server = test_browser.server
driver = test_browser.driver

OFFICER_PASSWORD = "Qingshan-Fishery-Ledger-26"


class AdminPages(Pages):
    def shot(self, name: str):
        """The whole-loop test's screenshot, named admin-NN-<page>.png beside its own."""
        path = super().shot(name)
        return path.replace(path.with_name(f"admin-{path.name}"))

    def choose(self, selector: str, value: str) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self.css(selector)).select_by_value(value)

    def tick(self, selector: str, on: bool) -> None:
        box = self.css(selector)
        if box.is_selected() != on:
            self.click(selector)

    def flash(self) -> str:
        return self.css(".flash").text

    def submit_confirmed(self, selector: str) -> str:
        """Clicks a button whose form asks first (data-confirm), accepts, and waits for the next page."""
        self.d.execute_script("window.__owOldPage = true")
        self.click(selector)
        alert = self.wait(lambda: _alert(self.d), message="the page asked for no confirmation")
        question = alert.text
        alert.accept()
        self.wait(self._new_page_loaded, message=f"no navigation after confirming {selector}")
        return question


def _alert(driver):
    from selenium.common.exceptions import NoAlertPresentException

    try:
        return driver.switch_to.alert
    except NoAlertPresentException:
        return None


def _fill_row(p: AdminPages, i: int, slot: str, name: str, material_type: str, formats: set[str], key: bool) -> None:
    row = f"materials-{i}-"
    p.fill(f"input[name={row}slot]", slot)
    p.fill(f"input[name={row}name]", name)
    p.choose(f"select[name={row}material_type]", material_type)
    p.tick(f"input[name={row}key]", key)
    for box in p.all(f"input[name={row}formats]"):
        p.tick(f"input[name={row}formats][value={box.get_attribute('value')}]", box.get_attribute("value") in formats)


def _catalogue(p: AdminPages) -> None:
    p.click_and_load("a[href='/admin/departments']")
    p.click_and_load("a[href='/admin/departments/new']")
    p.fill("input[name=code]", "nyj")
    p.fill("input[name=name]", "农业农村局")
    p.fill("input[name=name_en]", "Agriculture Bureau")
    p.fill("input[name=org_code]", "NYJ")
    p.click_and_load("form.form button.primary")
    assert "已创建：农业农村局" in p.flash()
    p.shot("departments")

    p.open("/admin/material-types/new")
    p.fill("input[name=code]", "boat_cert")
    p.fill("input[name=name]", "渔船检验证书")
    p.tick("input[name=shared]", True)
    p.fill("input[name=valid_days]", "365")
    p.click_and_load("form.form button.primary")
    assert "已创建：渔船检验证书" in p.flash()
    p.shot("material-types")


def _service(p: AdminPages) -> None:
    p.open("/admin/services/new")
    p.fill("input[name=code]", "fishing")
    p.fill("input[name=name]", "渔业捕捞许可")
    p.choose("select[name=department]", "nyj")
    p.fill("textarea[name=legal_basis]", "《中华人民共和国渔业法》第二十三条")
    p.fill("input[name=time_limit_days]", "10")
    p.fill("input[name=statutory_days]", "20")
    p.tick("input[name=cooperating_departments][value=scjg]", True)
    _fill_row(p, 0, "applicant_id", "申请人身份证", "id_card", {"jpg", "pdf"}, key=True)
    _fill_row(p, 1, "boat", "渔船检验证书", "boat_cert", {"pdf"}, key=False)
    p.click_and_load("button[name=op][value=save]")
    assert "已发布第1版" in p.flash()

    # a second version: a third material in a row added by the form's own button, and a bad limit first
    p.click_and_load("button[name=op][value=add]")
    rows = len(p.all(".material-row"))
    _fill_row(p, rows - 1, "plan", "捕捞作业计划", "application_form", {"pdf"}, key=True)
    p.fill("input[name=statutory_days]", "5")
    p.click_and_load("button[name=op][value=save]")
    assert p.css("#statutory_days-error").text, "the problem is shown next to its field"
    assert p.css(f"input[name=materials-{rows - 1}-slot]").get_attribute("value") == "plan", "what was typed is kept"
    p.shot("service-form")
    p.fill("input[name=statutory_days]", "20")
    p.click_and_load("button[name=op][value=save]")
    assert "已发布第2版" in p.flash()

    p.open("/admin/services")
    assert "第2版" in p.css("#service-fishing").text and "受理中" in p.css("#service-fishing").text
    p.shot("services")
    p.click_and_load("#service-fishing a[href='/admin/services/fishing/versions']")
    assert [h.text for h in p.all(".version-head h2")] == ["第2版", "第1版"]
    p.click("#version-1 summary")
    p.shot("versions")


def _accounts(p: AdminPages) -> None:
    p.open("/admin/users/new?role=officer")
    p.fill("input[name=username]", "officer-nyj")
    p.fill("input[name=display_name]", "农业农村局审批员")
    p.choose("select[name=department]", "nyj")
    p.fill("input[name=password]", OFFICER_PASSWORD)
    p.click_and_load("form.form button.primary")
    assert "已创建账户" in p.flash()
    question = p.submit_confirmed("#activation button.danger")
    assert "officer-nyj" in question and "已停用账户" in p.flash()
    p.open("/admin/users?role=officer")
    assert "已停用" in p.css("#user-officer-nyj").text
    p.shot("accounts")


def test_the_admin_pages_on_a_phone(server, driver):
    base, _wsgi, _runtime = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("admin-*.png"):
        old.unlink()
    p = AdminPages(driver, base)
    p.size(PHONE)
    p.sign_in("admin")
    p.click_and_load("a[href='/admin']")
    assert "系统管理" in p.css("h1").text
    p.shot("overview")

    _catalogue(p)
    _service(p)
    _accounts(p)

    p.open("/admin/audit")
    entries = p.all(".audit-entry")
    assert len(entries) == 6 and "停用账户" in entries[0].text and "新建部门" in entries[-1].text
    p.shot("audit")
    p.click_and_load("a[href='/admin']")
    p.click_and_load("a[href='/admin/catalogue']")
    assert p.css("#download").get_attribute("href").endswith("/admin/catalogue.xlsx")
    p.shot("catalogue")
    assert sorted(path.name for path in SHOTS.glob("admin-*.png")) == [
        "admin-01-overview.png",
        "admin-02-departments.png",
        "admin-03-material-types.png",
        "admin-04-service-form.png",
        "admin-05-services.png",
        "admin-06-versions.png",
        "admin-07-accounts.png",
        "admin-08-audit.png",
        "admin-09-catalogue.png",
    ]

    refused = [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]
    assert not refused, refused
