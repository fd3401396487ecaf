"""Locale choice and message catalogues: Chinese first, English available.

Templates carry Chinese text as message ids, so the primary language reads
naturally in the source; the English catalogue translates it. Catalogues are
compiled from the committed .po files at start-up into the data folder, so no
build step is needed and the package directory may be read-only.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request

SOURCE_DIR = Path(__file__).with_name("translations")
LOCALES = ("zh_CN", "en")
COOKIE = "lang"
# Parsed once: Flask-Babel parses a locale name on every request (a locale-data lookup), a Locale it keeps.
PARSED = {name: Locale.parse(name) for name in LOCALES}


def compile_catalogues(target: Path) -> Path:
    for po_path in SOURCE_DIR.glob("*/LC_MESSAGES/*.po"):
        mo_path = target / po_path.relative_to(SOURCE_DIR).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        tmp = mo_path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            write_mo(fh, catalog)
        tmp.replace(mo_path)
    return target


def select_locale() -> Locale:
    """An explicit choice (?lang= or the cookie it sets) wins over the browser's languages."""
    chosen = request.args.get("lang") or request.cookies.get(COOKIE)
    if chosen in LOCALES:
        return PARSED[chosen]
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    return PARSED["en" if best == "en" else "zh_CN"]


def remember_locale(app: Flask) -> None:
    @app.after_request
    def _set_cookie(response):
        chosen = request.args.get("lang")
        if chosen in LOCALES:
            response.set_cookie(
                COOKIE,
                chosen,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                httponly=True,
                secure=app.config["SESSION_COOKIE_SECURE"],
            )
        return response
