"""The header shows each role its own pages, and every new Chinese message has an English translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "server/translations/en/LC_MESSAGES/messages.po"
# The workflow pages' templates and modules (other pages are checked by their own tests).
TEMPLATE_DIRS = ("applicant", "archive", "counter", "dept", "supervision", "cases", "track", "ledger", "holdings")
SOURCES = (
    [path for folder in TEMPLATE_DIRS for path in sorted((ROOT / "templates" / folder).glob("*.html"))]
    + [ROOT / "templates/_nav.html", ROOT / "templates/portal/service.html"]
    + [
        ROOT / f"server/{name}.py"
        for name in (
            "web/labels",
            "web/formfields",
            "web/templating",
            "blueprints/applicant",
            "blueprints/holdings",
            "web/licence_forms",
            "blueprints/intake",
            "blueprints/archive",
            "blueprints/ledger",
            "blueprints/counter",
            "blueprints/department",
            "blueprints/supervision",
            "blueprints/track",
        )
    ]
)
MESSAGE = re.compile(r"""\b(?:_l?|gettext)\(\s*(['"])(.+?)\1""")
CONTEXT = re.compile(r"""pgettext\(\s*(['"])(\w+)\1\s*,\s*(['"])(.+?)\3""")


@pytest.mark.parametrize(
    ("user", "visible", "hidden"),
    [
        (None, ["/track"], ["/my/cases", "/counter", "/dept", "/supervision"]),
        ("applicant", ["/my/cases"], ["/counter", "/dept", "/supervision"]),
        ("clerk", ["/counter"], ["/my/cases", "/dept", "/supervision"]),
        ("officer-wlj", ["/dept"], ["/my/cases", "/counter", "/supervision"]),
        ("supervisor", ["/supervision"], ["/my/cases", "/counter", "/dept"]),
    ],
)
def test_header_links_follow_the_role(web, user, visible, hidden):
    nav = web.page(user, "/").split('class="rolenav"')[1].split("</nav>")[0]
    for href in visible:
        assert f'href="{href}"' in nav
    for href in hidden:
        assert f'href="{href}"' not in nav


def test_every_workflow_message_has_an_english_translation():
    with CATALOGUE.open("rb") as fh:
        catalogue = read_po(fh)
    missing = []
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for _q, message in MESSAGE.findall(text):
            entry = catalogue.get(message)
            if entry is None or not entry.string:
                missing.append(f"{path.name}: {message}")
        for _q, context, _q2, message in CONTEXT.findall(text):
            entry = catalogue.get(message, context=context)
            if entry is None or not entry.string:
                missing.append(f"{path.name}: [{context}] {message}")
    missing += _untranslated_vocabulary(catalogue)
    assert not missing, "add English msgstr for:\n" + "\n".join(missing)


def _untranslated_vocabulary(catalogue) -> list[str]:
    """The workflow's names are written once in server/vocabulary.py; the pages translate their labels."""
    from server import vocabulary

    missing = []
    for names, context in (
        (vocabulary.Status, None),
        (vocabulary.PartStatus, None),
        (vocabulary.NoticeKind, None),
        (vocabulary.FiledType, None),
        (vocabulary.Channel, None),
        (vocabulary.MaterialClass, None),
        (vocabulary.EventAction, "event"),
        (vocabulary.AccessAction, None),
        (vocabulary.AccessRequestStatus, None),
        (vocabulary.VerificationLevel, None),
        (vocabulary.ConsentMode, None),
    ):
        for member in names:
            entry = catalogue.get(member.label, context=context)
            if entry is None or not entry.string:
                missing.append(f"vocabulary.py: {names.__name__}.{member.name} [{context or ''}] {member.label}")
    return missing


def test_english_pages_keep_no_untranslated_interface_text(web, build):
    app_id = build(lambda b: b.submitted("minsu"))
    page = web.page("clerk", f"/counter/cases/{app_id}?lang=en")
    interface = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page, flags=re.S)
    # Chinese left on the page is data (names, service items, file names), never a label of ours.
    for label in ("逐项核验材料", "受理决定", "办理过程", ">申请人<", " 合格</label>"):
        assert label not in interface, label
    assert "Check each material" in page and "Send one-time correction notice" in page
