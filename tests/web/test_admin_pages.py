"""The administrator's pages: the catalogue, guides as versions, accounts, the audit log, the spreadsheet.

Everything goes through the forms as a person would post them (with the CSRF token); what the pages
saved is then read back from the pages, the API and the database.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from babel.messages.pofile import read_po
from openpyxl import load_workbook
from sqlalchemy import select
from test_page_markup import InlineMarkup, _crawl
from web_support import Web

from server.models import RETENTION_LABELS, AuditEntry, ServiceItem, User
from server.vocabulary import ServiceStatus

ROOT = Path(__file__).resolve().parents[2]
OFFICER_PASSWORD = "Qingshan-Fishery-Ledger-26"
MB = 1024 * 1024

DEPARTMENT = {"code": "nyj", "name": "农业农村局", "name_en": "Agriculture Bureau", "org_code": "NYJ"}
MATERIAL_TYPE = {"code": "boat_cert", "name": "渔船检验证书", "shared": "1", "valid_days": "365"}


def _service_form(**changes) -> dict:
    """The service form as the page posts it: two material rows and one empty one."""
    form = {
        "rows": "3",
        "op": "save",
        "code": "fishing",
        "name": "渔业捕捞许可",
        "department": "nyj",
        "summary": "内陆渔业捕捞许可证核发",
        "conditions": "持有检验合格的渔船",
        "legal_basis": "《中华人民共和国渔业法》第二十三条",
        "time_limit_days": "10",
        "statutory_days": "20",
        "fees": "不收费",
        "location": "行政服务中心二楼 12 号窗口",
        "retention": "30y",
        "cooperating_departments": ["scjg"],
        "materials-0-slot": "applicant_id",
        "materials-0-name": "申请人身份证",
        "materials-0-material_type": "id_card",
        "materials-0-required": "1",
        "materials-0-key": "1",
        "materials-0-formats": ["jpg", "pdf"],
        "materials-0-max_mb": "5",
        "materials-0-material_class": "basis",
        "materials-1-slot": "boat",
        "materials-1-name": "渔船检验证书",
        "materials-1-material_type": "boat_cert",
        "materials-1-required": "1",
        "materials-1-formats": ["pdf"],
        "materials-1-max_mb": "20",
        "materials-1-material_class": "basis",
        "materials-1-note": "在有效期内",
        "materials-2-max_mb": "20",
        "materials-2-formats": ["pdf"],
        "materials-2-material_class": "basis",
    }
    return {**form, **changes}


def _set_up(web: Web) -> None:
    """The department, the material type and the service, created through their pages."""
    assert "已创建" in _follow(web, "/admin/departments/new", DEPARTMENT)
    assert "已创建" in _follow(web, "/admin/material-types/new", MATERIAL_TYPE)
    assert "已发布第1版" in _follow(web, "/admin/services/new", _service_form())


def _follow(web: Web, path: str, data: dict, user: str = "admin") -> str:
    """Posts a form that saves (303) and returns the page it leads to, with its flashed message."""
    location = web.post(user, path, data).headers["Location"]
    return web.page(user, location)


def _audit_actions(runtime) -> list[str]:
    with runtime.db.session() as session:
        return [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id))]


def test_only_the_admin_may_open_the_admin_pages(web):
    for user in ("applicant", "clerk", "officer-wlj", "supervisor", "archivist"):
        web.get(user, "/admin", 403)
        web.get(user, "/admin/users", 403)
        assert "403" in web.post(user, "/admin/departments/new", DEPARTMENT, expect=403).get_data(as_text=True)
        assert 'href="/admin"' not in web.page(user, "/")
    assert "/login" in web.get(None, "/admin/services", 302).headers["Location"]
    assert 'href="/admin"' in web.page("admin", "/").split('class="rolenav"')[1].split("</nav>")[0]


def test_the_admin_sets_up_a_service_and_an_officer_through_the_pages(web, runtime):
    _set_up(web)
    assert "农业农村局" in web.page("admin", "/admin/departments")
    types = web.page("admin", "/admin/material-types")
    assert "渔船检验证书" in types and "365" in types.split('id="type-boat_cert"')[1].split("</tr>")[0]
    listed = web.page("admin", "/admin/services").split('id="service-fishing"')[1].split("</tr>")[0]
    assert "受理中" in listed and "第1版" in listed

    guide = web.get(None, "/api/v1/services/fishing").get_json()
    assert [(m["slot"], m["formats"], m["max_bytes"], m["key"]) for m in guide["materials"]] == [
        ("applicant_id", ["jpg", "pdf"], 5 * MB, True),
        ("boat", ["pdf"], 20 * MB, False),
    ]
    assert guide["cooperating_departments"] == ["scjg"] and guide["statutory_days"] == 20

    officer = {
        "username": "officer-nyj",
        "display_name": "农业农村局审批员",
        "role": "officer",
        "department": "nyj",
        "password": OFFICER_PASSWORD,
    }
    assert "已创建账户" in _follow(web, "/admin/users/new", officer)
    row = web.page("admin", "/admin/users?role=officer").split('id="user-officer-nyj"')[1].split("</tr>")[0]
    assert "农业农村局" in row and "正常" in row
    assert "officer-nyj" not in web.page("admin", "/admin/users?role=clerk")
    assert "/dept" in Web(web.app, OFFICER_PASSWORD).page("officer-nyj", "/")
    assert _audit_actions(runtime)[-4:] == [
        "department.create",
        "material_type.create",
        "service.publish",
        "user.create",
    ]


def test_editing_a_guide_publishes_version_two_and_the_history_shows_both(web):
    _set_up(web)
    form = web.page("admin", "/admin/services/fishing/edit")
    assert 'value="applicant_id"' in form and 'name="rows" value="3"' in form, "two rows and an empty one"
    assert "没有变化" in _follow(web, "/admin/services/fishing/edit", _service_form())

    changed = _service_form(
        **{
            "time_limit_days": "7",
            "materials-2-slot": "plan",
            "materials-2-name": "捕捞作业计划",
            "materials-2-material_type": "application_form",
            "materials-2-required": "1",
            "materials-2-key": "1",
        }
    )
    page = _follow(web, "/admin/services/fishing/edit", changed)
    assert "已发布第2版" in page and 'value="plan"' in page
    assert [m["slot"] for m in web.get(None, "/api/v1/services/fishing").get_json()["materials"]] == [
        "applicant_id",
        "boat",
        "plan",
    ]

    history = web.page("admin", "/admin/services/fishing/versions")
    assert history.index('id="version-2"') < history.index('id="version-1"'), "newest first"
    second = history.split('id="version-2"')[1].split('id="version-1"')[0]
    assert "受理中" in second and "admin" in second and "首次发布" not in second
    assert "承诺时限（工作日）" in second and "捕捞作业计划" in second, "what the version changed"
    assert "材料 plan · 名称" in second and "{&#39;slot" not in second, "one line per changed material field"
    first = history.split('id="version-1"')[1]
    assert "已更新为新版本" in first and "首次发布" in first and "admin" in first
    assert "<form" not in history.split("</nav>", 2)[2].split("<footer")[0].replace('class="inline"', ""), "read-only"


def test_add_and_remove_row_buttons_change_the_form_without_saving(web, runtime):
    _set_up(web)
    added = web.post("admin", "/admin/services/fishing/edit", _service_form(op="add"), expect=200)
    assert 'name="rows" value="4"' in added.get_data(as_text=True)
    removed = web.post("admin", "/admin/services/fishing/edit", _service_form(op="remove-0"), expect=200)
    page = removed.get_data(as_text=True)
    assert 'value="applicant_id"' not in page and 'name="materials-0-slot" type="text" value="boat"' in page
    with runtime.db.session() as session:
        assert len(list(session.scalars(select(ServiceItem).where(ServiceItem.code == "fishing")))) == 1


def test_a_bad_form_shows_each_problem_next_to_its_field(web):
    _set_up(web)
    bad = _service_form(
        **{
            "name": "",
            "statutory_days": "3",
            "materials-0-formats": [],
            "materials-1-required": "",
            "materials-1-key": "1",
            "materials-2-slot": "boat",
            "materials-2-name": "重复的材料",
            "materials-2-material_type": "id_card",
        }
    )
    page = web.post("admin", "/admin/services/fishing/edit", bad, expect=400).get_data(as_text=True)
    for name in ("name", "statutory_days", "materials-0-formats", "materials-1-key", "materials-2-slot"):
        assert f'id="{name}-error"' in page, name
    assert 'name="materials-2-slot" type="text" value="boat" maxlength="64" aria-invalid="true"' in page
    assert "重复的材料" in page, "the form keeps what was typed"

    not_a_number = web.post(
        "admin", "/admin/services/fishing/edit", _service_form(time_limit_days="十", **{"materials-1-max_mb": "x"}), 400
    ).get_data(as_text=True)
    assert 'id="time_limit_days-error"' in not_a_number and 'id="materials-1-max_mb-error"' in not_a_number

    taken = web.post("admin", "/admin/departments/new", DEPARTMENT, expect=409).get_data(as_text=True)
    assert 'id="code-error"' in taken and "已被使用" in taken
    nameless = web.post("admin", "/admin/material-types/new", {"code": "x", "valid_days": "-1"}, expect=400)
    assert 'id="name-error"' in nameless.get_data(as_text=True)
    weak = web.post(
        "admin", "/admin/users/new", {"username": "x1", "role": "officer", "password": "123"}, expect=400
    ).get_data(as_text=True)
    for name in ("username",):
        assert f'id="{name}-error"' in weak
    weak = web.post(
        "admin",
        "/admin/users/new",
        {"username": "new-officer", "display_name": "", "role": "officer", "password": "123"},
        expect=400,
    ).get_data(as_text=True)
    for name in ("display_name", "department", "password"):
        assert f'id="{name}-error"' in weak, name


def test_deactivating_the_officer_ends_their_session_and_token_at_once(web):
    _set_up(web)
    officer = {"username": "officer-nyj", "display_name": "审批员", "role": "officer", "department": "nyj"}
    _follow(web, "/admin/users/new", {**officer, "password": OFFICER_PASSWORD})
    browser = Web(web.app, OFFICER_PASSWORD)
    browser.page("officer-nyj", "/dept")
    token = web.app.test_client().post(
        "/api/v1/auth/token", json={"username": "officer-nyj", "password": OFFICER_PASSWORD}
    )
    bearer = {"Authorization": f"Bearer {token.get_json()['token']}"}
    assert web.app.test_client().get("/api/v1/applications", headers=bearer).status_code == 200

    page = web.page("admin", "/admin/users/officer-nyj")
    assert "data-confirm=" in re.search(r'<form[^>]*action="/admin/users/officer-nyj/deactivate"[^>]*>', page)[0]
    assert "已停用账户" in _follow(web, "/admin/users/officer-nyj/deactivate", {})
    assert "/login" in browser.get("officer-nyj", "/dept", 302).headers["Location"]
    assert web.app.test_client().get("/api/v1/applications", headers=bearer).status_code == 401
    assert "已停用" in web.page("admin", "/admin/users").split('id="user-officer-nyj"')[1].split("</tr>")[0]

    assert "已重新启用账户" in _follow(web, "/admin/users/officer-nyj/reactivate", {})
    assert "/dept" in Web(web.app, OFFICER_PASSWORD).page("officer-nyj", "/")
    assert "已重置密码" in _follow(web, "/admin/users/officer-nyj/password", {"password": "Another-Long-Passphrase-9"})
    assert Web(web.app, "Another-Long-Passphrase-9").page("officer-nyj", "/dept")
    refused = web.post("admin", "/admin/users/admin/deactivate", {}, expect=409).get_data(as_text=True)
    assert "不能停用自己" in refused


def test_editing_an_account_saves_and_says_when_nothing_changed(web, runtime):
    details = {"display_name": "李晓燕（综合窗口）", "role": "clerk", "department": "", "phone": "", "id_number": ""}
    assert "没有变化" in _follow(web, "/admin/users/clerk", details)
    assert "已保存账户" in _follow(web, "/admin/users/clerk", {**details, "display_name": "窗口受理员"})
    with runtime.db.session() as session:
        assert session.scalar(select(User.display_name).where(User.username == "clerk")) == "窗口受理员"


def test_retire_and_reinstate(web):
    _set_up(web)
    listed = web.page("admin", "/admin/services")
    assert "data-confirm=" in re.search(r'<form[^>]*action="/admin/services/fishing/retire"[^>]*>', listed)[0]
    assert "已停止受理" in _follow(web, "/admin/services/fishing/retire", {})
    assert "已停止受理" in web.page("admin", "/admin/services").split('id="service-fishing"')[1].split("</tr>")[0]
    assert web.get(None, "/api/v1/services/fishing").get_json()["status"] == "retired"
    assert "没有变化" in _follow(web, "/admin/services/fishing/retire", {})
    assert "已恢复受理" in _follow(web, "/admin/services/fishing/reinstate", {})
    row = web.page("admin", "/admin/services").split('id="service-fishing"')[1].split("</tr>")[0]
    assert "受理中" in row and "第1版" in row, "retiring publishes no version"


def test_the_audit_page_lists_every_change_with_what_changed(web, runtime):
    _set_up(web)
    _follow(web, "/admin/departments/nyj/edit", {**DEPARTMENT, "name": "农业农村局（渔业）"})
    _follow(web, "/admin/services/fishing/retire", {})
    _follow(web, "/admin/users/clerk", {"display_name": "前台", "role": "clerk"})
    page = web.page("admin", "/admin/audit")
    actions = _audit_actions(runtime)
    assert len(actions) == 6 and page.count('class="card audit-entry"') == 6
    for words in ("新建部门", "新建材料类型", "发布事项指南", "修改部门", "停止受理", "修改账户"):
        assert words in page, words
    assert page.index("修改账户") < page.index("新建部门"), "newest first"
    department = page.split("department:nyj</code>")[1].split("</li>")[0]
    assert "农业农村局" in department and "农业农村局（渔业）" in department and "NYJ" not in department
    created = page.split("department:nyj</code>")[-1].split("</li>")[0]
    assert "NYJ" in created, "a creation shows every field against —"

    only = web.page("admin", "/admin/audit?target=service:fishing")
    assert only.count('class="card audit-entry"') == 2 and "department:nyj" not in only.split("audit-list")[1]
    paged = web.page("admin", "/admin/audit?per_page=2&page=2")
    assert paged.count('class="card audit-entry"') == 2 and "第 2 / 3 页" in paged


def test_the_overview_counts_and_links(web):
    _set_up(web)
    page = web.page("admin", "/admin")
    for href in ("/admin/departments", "/admin/material-types", "/admin/services", "/admin/users", "/admin/audit"):
        assert f'href="{href}' in page, href
    assert "department:nyj" in page, "the latest changes"


START = [
    "/admin",
    "/admin/services",
    "/admin/services/new",
    "/admin/services/fishing/edit",
    "/admin/services/fishing/versions",
    "/admin/departments",
    "/admin/departments/new",
    "/admin/departments/nyj/edit",
    "/admin/material-types",
    "/admin/material-types/new",
    "/admin/material-types/boat_cert/edit",
    "/admin/users",
    "/admin/users/new",
    "/admin/users/officer-wlj",
    "/admin/audit",
    "/admin/catalogue",
]


def test_admin_pages_need_no_inline_markup_and_have_english(web):
    _set_up(web)
    web.post("admin", "/admin/services/fishing/edit", _service_form(time_limit_days="7"))
    pages = {}
    for lang in ("zh_CN", "en"):
        web.get("admin", f"/?lang={lang}")
        pages.update({f"{lang} {path}": problems for path, problems in _crawl(web, "admin", START).items()})
    assert all(f"{lang} {path}" in pages for lang in ("zh_CN", "en") for path in START)
    assert {page: problems for page, problems in pages.items() if problems} == {}
    errors = InlineMarkup()
    errors.feed(
        web.post("admin", "/admin/services/new", _service_form(code="other", name=""), expect=400).get_data(
            as_text=True
        )
    )
    assert errors.problems == []
    english = web.page("admin", "/admin/services/fishing/versions?lang=en")
    assert "Version history" in english and "版本历史" not in english


MESSAGE = re.compile(r"""\b(?:_l?|gettext)\(\s*(['"])(.+?)\1""")
CONTEXT = re.compile(r"""pgettext\(\s*(['"])(\w+)\1\s*,\s*(['"])(.+?)\3""")


def test_every_admin_message_has_an_english_translation():
    with (ROOT / "server/translations/en/LC_MESSAGES/messages.po").open("rb") as fh:
        catalogue = read_po(fh)
    sources = [
        *sorted((ROOT / "templates/admin").glob("*.html")),
        *sorted((ROOT / "server/blueprints/admin").glob("*.py")),
    ]
    # The pages show the guide statuses and retention periods in words too.
    wanted = [("vocabulary", None, status.label) for status in ServiceStatus]
    wanted += [("models", None, words) for words in RETENTION_LABELS.values()]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        wanted += [(path.name, None, message) for _q, message in MESSAGE.findall(text)]
        wanted += [(path.name, context, message) for _q, context, _q2, message in CONTEXT.findall(text)]
    missing = []
    for where, context, message in wanted:
        entry = catalogue.get(message, context=context)
        if entry is None or not entry.string:
            missing.append(f"{where}: [{context or ''}] {message}")
    assert not missing, "add English msgstr for:\n" + "\n".join(missing)


def _xlsx_with(data: bytes, sheet: str, code: str, header: str, value) -> bytes:
    """The workbook with one cell of ``code``'s row changed, as an admin edits it in Excel or WPS."""
    book = load_workbook(io.BytesIO(data))
    rows = book[sheet]
    column = next(cell.column for cell in rows[1] if cell.value == header)
    code_column = next(cell.column for cell in rows[1] if cell.value == "编码")
    row = next(r for r in range(2, rows.max_row + 1) if rows.cell(r, code_column).value == code)
    rows.cell(row, column).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload_sheet(web: Web, data: bytes, op: str, expect: int = 200) -> str:
    form = {"op": op, "file": (io.BytesIO(data), "事项目录.xlsx")}
    response = web.post("admin", "/admin/catalogue", form, expect=expect, content_type="multipart/form-data")
    return response.get_data(as_text=True)


def test_the_catalogue_downloads_and_uploads_as_a_spreadsheet(web, runtime):
    _set_up(web)
    assert 'href="/admin/catalogue"' in web.page("admin", "/admin")
    download = web.get("admin", "/admin/catalogue.xlsx")
    assert download.mimetype.endswith("spreadsheetml.sheet") and "attachment" in download.headers["Content-Disposition"]
    assert load_workbook(io.BytesIO(download.data)).sheetnames == ["部门", "材料类型", "事项", "材料清单"]
    assert "没有变化" in _upload_sheet(web, download.data, "import"), "the file as downloaded changes nothing"

    renamed = _xlsx_with(download.data, "事项", "fishing", "名称", "渔业捕捞许可证核发")
    preview = _upload_sheet(web, renamed, "preview")
    assert "尚未修改" in preview and "事项 fishing：发布新版本 第2版" in preview
    assert web.get(None, "/api/v1/services/fishing").get_json()["name"] == "渔业捕捞许可", "a preview writes nothing"
    assert "已导入" in _upload_sheet(web, renamed, "import")
    assert web.get(None, "/api/v1/services/fishing").get_json()["name"] == "渔业捕捞许可证核发"
    assert _audit_actions(runtime)[-1] == "service.publish"

    spoiled = _xlsx_with(renamed, "事项", "fishing", "承诺时限（工作日）", "十天")
    refused = _upload_sheet(web, spoiled, "import", expect=400)
    assert "未做任何修改" in refused and "承诺时限（工作日）" in refused
    problems = refused.split('id="problems"')[1].split("</section>")[0]
    assert "<td>事项</td>" in problems and re.search(r"<td>[A-Z]+\d+</td>", problems), "sheet, row, column, cell"
    assert "已被使用" not in problems and web.get(None, "/api/v1/services/fishing").get_json()["time_limit_days"] == 10
    assert "请选择" in web.post("admin", "/admin/catalogue", {"op": "import"}, expect=400).get_data(as_text=True)
    web.post("clerk", "/admin/catalogue", {"op": "import"}, expect=403)
