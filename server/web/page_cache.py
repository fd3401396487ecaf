"""Rendered public pages (the service guides) kept in process for anonymous readers.

A guide costs three queries and some fifty translated strings to render, yet is
the same for every anonymous reader of one locale except for the session's CSRF
token, which is put back into the stored copy on every hit. Signed-in users,
requests with flashed messages and anything but GET render as before.

Entries are keyed by page, locale, script root and the catalogue generation.
The generation goes up in this process at every commit that changes a
department, material type, service item or slot, so an edit shows at once in
the process that made it; other worker processes render afresh at the latest
``TTL_SECONDS`` after their copy was made. That staleness is acceptable for a
public guide, which browsers and proxies may keep 300 s already (the guide JSON's
``max-age``), and costs no query on a hit.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from itertools import chain

from flask import current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..models import Department, MaterialSlot, MaterialType, ServiceItem

EXTENSION = "onewindow.pages"
TTL_SECONDS = 30.0
ENTRIES = 512
CSRF_MARK = "\x00csrf-token\x00"
CATALOGUE = (Department, MaterialType, ServiceItem, MaterialSlot)

_generation = 0
_generation_lock = threading.Lock()


def generation() -> int:
    """How many catalogue commits this process has seen."""
    return _generation


def catalogue_changed() -> None:
    global _generation
    with _generation_lock:
        _generation += 1


def _note_catalogue_writes(db: Session, _context: object, _instances: object) -> None:
    if any(isinstance(row, CATALOGUE) for row in chain(db.new, db.dirty, db.deleted)):
        db.info["onewindow.catalogue_changed"] = True


def _after_commit(db: Session) -> None:
    if db.info.pop("onewindow.catalogue_changed", False):
        catalogue_changed()


def _after_rollback(db: Session) -> None:
    db.info.pop("onewindow.catalogue_changed", None)


if not event.contains(Session, "before_flush", _note_catalogue_writes):
    event.listen(Session, "before_flush", _note_catalogue_writes)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_soft_rollback", lambda db, _tx: _after_rollback(db))


class PageCache:
    """A small LRU of rendered pages with an age limit; safe for the worker's request threads."""

    def __init__(self, entries: int = ENTRIES, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.entries, self.ttl, self.clock = entries, ttl, clock
        self.pages: OrderedDict[Hashable, tuple[float, str]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        with self.lock:
            found = self.pages.get(key)
            if found is None:
                return None
            if self.clock() - found[0] >= self.ttl:
                del self.pages[key]
                return None
            self.pages.move_to_end(key)
            return found[1]

    def put(self, key: Hashable, page: str) -> None:
        with self.lock:
            self.pages[key] = (self.clock(), page)
            self.pages.move_to_end(key)
            while len(self.pages) > self.entries:
                self.pages.popitem(last=False)


def _anonymous_read() -> bool:
    return request.method == "GET" and "_flashes" not in session and not current_user.is_authenticated


def anonymous_page(page: Hashable, render: Callable[[], str]) -> str:
    """``render()``'s page, from the cache when an anonymous reader of this locale had it recently."""
    if not _anonymous_read():
        return render()
    cache: PageCache = current_app.extensions.setdefault(EXTENSION, PageCache())  # one per app, made on first use
    key = (page, str(get_locale()), request.script_root, generation())
    stored = cache.get(key)
    if stored is not None:
        return stored.replace(CSRF_MARK, generate_csrf())
    html = render()
    cache.put(key, html.replace(generate_csrf(), CSRF_MARK))
    return html
