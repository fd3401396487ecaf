"""Every page works under the CSP without 'unsafe-inline': no inline script, style or event handler.

Each role's pages are crawled from its start pages, following every same-site
link, over the supervision scenario (cases in every state, sealed and indexed
dossiers), in Chinese and in English, plus the error pages.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
import scenario
from sqlalchemy import select

from server.jobs import Worker
from server.models import Application

START = {
    None: ["/", "/login", "/track", "/services/minsu", "/no-such-page"],
    "applicant": ["/my/cases", "/apply/minsu"],
    "applicant2": ["/my/cases"],
    "clerk": ["/counter", "/counter/walk-in", "/archive"],
    "officer-scjg": ["/dept", "/archive?q=许可证"],
    "officer-wlj": ["/dept"],
    "archivist": ["/archive", "/archive?q=许可证"],
    "supervisor": ["/supervision"],
}
# Files and previews are not pages; the language links would switch the crawl's language; logout is a POST.
NOT_PAGES = re.compile(r"/pages/\d+-\d+\.webp$|/materials/[^/]+$|/results/[^/]+$|\.pdf$|/files/[^/]+$|\.json$")
PAGES_PER_USER = 40
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href")


class InlineMarkup(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.problems.append("<script> without src")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}>")
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "a" and names.get("href"):
            self.links.append(names["href"])

    handle_startendtag = handle_starttag


@pytest.fixture
def world(runtime, demo):
    expected, tracking = scenario.build(runtime)
    Worker(runtime.db, runtime).run_until_idle()
    with runtime.db.session() as session:
        app = session.scalar(select(Application).where(Application.tracking_number == tracking["quick"]))
        return tracking["quick"], app.applicant_phone[-4:]


def _crawl(web, user: str | None, start: list[str]) -> dict[str, list[str]]:
    """Problems by page, for every HTML page reachable from ``start`` (up to PAGES_PER_USER)."""
    queue, seen, found = deque(start), set(start), {}
    while queue and len(found) < PAGES_PER_USER:
        path = queue.popleft()
        response = web.get(user, path, expect=None)
        if response.mimetype != "text/html":
            continue
        assert response.status_code < 500, (user, path, response.status_code)
        parser = InlineMarkup()
        parser.feed(response.get_data(as_text=True))
        found[path] = parser.problems
        for href in parser.links:
            parts = urlsplit(urljoin(path, href))
            if parts.scheme or parts.netloc or NOT_PAGES.search(parts.path) or "lang=" in parts.query:
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return found


def test_no_page_needs_inline_script_or_style(web, world):
    number, last4 = world
    pages: dict[str, list[str]] = {}
    for lang in ("zh_CN", "en"):
        for user, start in START.items():
            if user is None:
                start = [*start, f"/track?number={number}&phone_last4={last4}"]
            web.get(user, f"/?lang={lang}")  # the language cookie holds for the crawl
            for path, problems in _crawl(web, user, start).items():
                pages[f"{lang} {user or 'anonymous'} {path}"] = problems
    visited = " ".join(pages)
    for kind in (
        "/my/cases/",
        "/counter/cases/",
        "/dept/cases/",
        "/supervision/cases/",
        "/archive/dossiers/",
        "/archive?q=",
        "/track?number=",
        "/no-such-page",
    ):
        assert kind in visited, f"the crawl reached no {kind} page"
    assert "en clerk /counter" in pages
    assert {page: problems for page, problems in pages.items() if problems} == {}
