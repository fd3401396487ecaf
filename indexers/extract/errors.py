"""Errors the extraction library raises.

Background jobs need to tell three situations apart: the file itself is bad
(record it, do not retry), a tool is missing on this machine (degrade now,
retry after an operator installs it), and everything else (a bug).
"""

from __future__ import annotations


class ExtractError(Exception):
    """Base class, so a job can catch every expected extraction failure at once."""


class ExtractionFailed(ExtractError):
    """The file could not be processed; ``reason`` is a short machine-readable code.

    Reasons: ``timeout``, ``memory``, ``crashed``, ``unreadable``, ``encrypted``,
    ``too_many_pages``, ``too_large``, ``unsupported``, ``tool_failed``. Retrying the same file
    with the same limits will fail the same way, so jobs should record it rather
    than retry.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class ToolUnavailable(ExtractError):
    """An external program this step needs is not installed or is incomplete."""


class OcrUnavailable(ToolUnavailable):
    """No usable OCR engine, so OCR pages are left for a later run.

    ``partial`` holds the pages that were extracted from a text layer and
    ``pending_pages`` the page numbers that still need OCR, so the caller can
    store what it has and degrade instead of losing the whole document.
    """

    def __init__(self, detail: str, partial: list | None = None, pending_pages: list[int] | None = None) -> None:
        super().__init__(detail)
        self.partial = list(partial or [])
        self.pending_pages = list(pending_pages or [])


class RendererUnavailable(ToolUnavailable):
    """pdftoppm (poppler-utils) is missing, so PDF pages cannot be rasterised."""
