"""File names from applicants' devices, made safe to show, to store and to archive.

A name arrives from a phone, a scanner or a hostile client: it may carry
control characters, bidirectional overrides that make ``gpj.exe`` read as
``exe.jpg``, path parts, lone surrogates, or hundreds of characters. People
see the name they gave minus those; names inside packages and object keys are
derived from it within every backend's limits (a key segment is at most 240
bytes in ``storage.base``, 255 on POSIX filesystems) and readable on Windows,
where an archives bureau is likely to unpack a transfer.
"""

from __future__ import annotations

import unicodedata

DISPLAY_MAX_BYTES = 255
PAYLOAD_MAX_BYTES = 200
MAX_EXTENSION_BYTES = 16
ELLIPSIS = "…"

# Zero-width joiners belong to emoji and Indic scripts; every other format character is invisible mischief.
_KEEP_FORMAT = {"\u200c", "\u200d"}
_SEPARATORS = {"\u2028", "\u2029", "\x85"}
# What a decoder leaves for bytes it could not read (a lone surrogate, a broken encoding): no character at all.
_REPLACEMENT = "\ufffd"
_WINDOWS_RESERVED = set('<>:"|?*')


def clean(raw: str) -> str:
    """NFC text without control, format (bidi override, BOM), surrogate or replacement characters, one space
    between words: what DA/T 70's special-character item (ZS-06) would refuse never reaches a dossier."""
    out = []
    for char in unicodedata.normalize("NFC", raw or ""):
        category = unicodedata.category(char)
        if char.isspace() or char in _SEPARATORS:
            out.append(" ")
        elif category in ("Cc", "Cs") or (category == "Cf" and char not in _KEEP_FORMAT) or char == _REPLACEMENT:
            continue
        else:
            out.append(char)
    return " ".join("".join(out).split())


def display_name(raw: str, fallback: str = "file") -> str:
    """The name shown to people: the last path segment, cleaned, at most DISPLAY_MAX_BYTES of UTF-8."""
    name = clean(raw).replace("\\", "/").rsplit("/", 1)[-1].strip(" .")
    if not name:
        name = clean(fallback).replace("/", "_").strip(" .") or "file"
    return truncate(name, DISPLAY_MAX_BYTES)


def payload_name(seq: int, name: str) -> str:
    """The file's name inside a package: ``NNN-<name>``, unique by its sequence number, within every limit."""
    safe = "".join("_" if char in _WINDOWS_RESERVED or char in "/\\" else char for char in clean(name))
    safe = safe.strip(" .") or "file"
    prefix = f"{seq:03d}-"
    return prefix + truncate(safe, PAYLOAD_MAX_BYTES - len(prefix))


def truncate(name: str, max_bytes: int) -> str:
    """Cuts ``name`` to ``max_bytes`` of UTF-8 on a character boundary, keeping a short extension."""
    if len(name.encode("utf-8")) <= max_bytes:
        return name
    stem, dot, extension = name.rpartition(".")
    suffix = f".{extension}" if dot and stem and len(extension.encode("utf-8")) <= MAX_EXTENSION_BYTES else ""
    if not suffix:
        stem = name
    budget = max_bytes - len((ELLIPSIS + suffix).encode("utf-8"))
    return stem.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip(" .") + ELLIPSIS + suffix
