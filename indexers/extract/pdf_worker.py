"""Child process that opens untrusted PDFs (pypdf), images (Pillow, pillow-heif) and OFD, inside resource limits.

Run as a script (``python -I pdf_worker.py MEMORY_MB``), never imported by the
server: it must not pull in the application, so it uses only the standard
library, pypdf, Pillow and pillow-heif, plus the OFD modules beside it
(ofd_package, ofd_text, ofd_render), loaded by path, which need nothing else.
It caps its own address space before touching any file, so a decompression
bomb ends in MemoryError here instead of swapping the server, and it arms
RLIMIT_CPU before each job so it dies on its own even if the parent that
would kill it is gone.

Protocol: one JSON request per line on stdin, one JSON response per line on
the original stdout (stdout itself is pointed at stderr so stray prints from
libraries cannot corrupt the stream).
"""

from __future__ import annotations

import base64
import importlib.util
import io
import json
import logging
import os
import re
import resource
import sys
import unicodedata
from types import ModuleType
from typing import Any

EXIT_MEMORY = 3
MIN_USABLE_CHARS = 20
MIN_USABLE_RATIO = 0.5
_SURROGATES = re.compile("[\ud800-\udfff]")


class _Failure(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class _Recorder(logging.Handler):
    """Keeps the first few pypdf warnings, which explain a half-broken file."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.messages) < 5:
            self.messages.append(record.getMessage()[:300])


def _limit_memory(memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _arm_cpu_limit(cpu_s: float) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = int(used + cpu_s) + 1
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _clean(text: str, max_chars: int) -> str:
    text = _SURROGATES.sub("\ufffd", text.replace("\x00", ""))
    return text[:max_chars]


def _needs_ocr(text: str, broken: bool, page: Any) -> bool:
    """Whether a page's text layer is missing or useless, so it must be OCR'd.

    Fonts without a ToUnicode map extract as private-use or replacement
    characters: such a page looks textual to pypdf but is useless to search.
    A short real text (a cover page saying "附件一") is kept unless the page
    also carries an image, as a scan with a stamped page number does.
    """
    chars = "".join(text.split())
    if chars.isprintable() and "\ufffd" not in chars:
        good = len(chars)  # the usual page, checked in C: no private-use, control, surrogate or unassigned code
    else:
        good = sum(1 for c in chars if c != "\ufffd" and unicodedata.category(c) not in ("Co", "Cc", "Cs", "Cn"))
    if broken or good < MIN_USABLE_RATIO * len(chars):
        return True
    return good < MIN_USABLE_CHARS and _has_images(page.get("/Resources"))


def _has_images(resources: Any, depth: int = 0) -> bool:
    if depth > 3 or resources is None:
        return False
    try:
        xobjects = resources.get_object().get("/XObject")
        if xobjects is None:
            return False
        for ref in xobjects.get_object().values():
            xobj = ref.get_object()
            subtype = xobj.get("/Subtype")
            if subtype == "/Image":
                return True
            if subtype == "/Form" and _has_images(xobj.get("/Resources"), depth + 1):
                return True
    except Exception:  # noqa: BLE001 - a resource tree of a hostile PDF that cannot be read may hide images
        return True
    return False


def _probe_contents(page: Any, page_no: int) -> None:
    """Decode the content stream of a page that yielded no text.

    pypdf's extract_text swallows its own decompression limit and returns "",
    which would let a decompression bomb pass as a blank page.
    """
    from pypdf.errors import LimitReachedError

    try:
        contents = page.get_contents()
        if contents is not None:
            contents.get_data()
    except LimitReachedError as exc:
        raise _Failure("too_large", f"page {page_no}: {exc}") from exc


def _page_size(page: Any) -> tuple[float, float]:
    try:
        box = page.mediabox
        return abs(float(box.width)), abs(float(box.height))
    except Exception:  # noqa: BLE001 - a broken media box gets the default page size
        return 612.0, 792.0


def _open(path: str) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PdfReadError

    try:
        reader = PdfReader(path)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise _Failure("unreadable", f"{type(exc).__name__}: {exc}") from exc
    if reader.is_encrypted:
        try:
            decrypted = reader.decrypt("")
        except DependencyError as exc:
            raise _Failure("encrypted", f"needs a crypto library: {exc}") from exc
        except Exception as exc:
            raise _Failure("encrypted", f"{type(exc).__name__}: {exc}") from exc
        if not decrypted:
            raise _Failure("encrypted", "a password is required to open this PDF")
    return reader


def _page_count(reader: Any, max_pages: int) -> int:
    from pypdf.errors import LimitReachedError

    try:
        count = len(reader.pages)
    except LimitReachedError as exc:
        raise _Failure("too_many_pages", str(exc)) from exc
    if count > max_pages:
        raise _Failure("too_many_pages", f"{count} pages, limit {max_pages}")
    if count == 0:
        raise _Failure("unreadable", "the PDF has no pages")
    return count


def _op_text(reader: Any, req: dict[str, Any]) -> dict[str, Any]:
    """Text per page; a page whose text layer breaks pypdf is sent to OCR, not fatal."""
    from pypdf.errors import LimitReachedError

    count = _page_count(reader, req["max_pages"])
    pages = []
    for index in range(count):
        page = reader.pages[index]
        try:
            text = _clean(page.extract_text() or "", req["max_page_chars"])
        except (LimitReachedError, MemoryError, RecursionError):
            raise
        except Exception as exc:  # noqa: BLE001 - any other failure of one page marks it broken, the rest go on
            logging.getLogger("pdf_worker").warning(
                "page %d: text layer unreadable: %s: %s", index + 1, type(exc).__name__, exc
            )
            text, broken = "", True
        else:
            broken = False
        if not text.strip():
            _probe_contents(page, index + 1)
        needs_ocr = _needs_ocr(text, broken, page)
        entry = {"n": index + 1, "text": text, "ocr": needs_ocr}
        if needs_ocr:
            entry["w"], entry["h"] = _page_size(page)
        pages.append(entry)
    return {"page_count": count, "pages": pages}


def _op_check(reader: Any, req: dict[str, Any]) -> dict[str, Any]:
    """Every page's content must decode: a cut-off file often still has a readable first page."""
    count = _page_count(reader, req["max_pages"])
    reader.pages[0].extract_text()
    for index in range(count):
        page = reader.pages[index]
        try:
            _probe_contents(page, index + 1)
        except (_Failure, MemoryError):
            raise
        except Exception as exc:
            raise _Failure("unreadable", f"page {index + 1}: {type(exc).__name__}: {exc}") from exc
    return {"page_count": count}


def _op_count(reader: Any, req: dict[str, Any]) -> dict[str, Any]:
    return {"page_count": _page_count(reader, req["max_pages"])}


def _register_heif() -> None:
    """HEIC/HEIF (iPhone photos) through Pillow; without pillow-heif they stay unreadable."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return
    register_heif_opener()


def _op_image(req: dict[str, Any]) -> dict[str, Any]:
    """Decodes every frame: a header-only or cut-off image passes a header check but fails here."""
    import warnings

    from PIL import Image

    _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(req["path"]) as img:
                img.verify()
            with Image.open(req["path"]) as img:
                frames = int(getattr(img, "n_frames", 1) or 1)
                if frames > req["max_pages"]:
                    raise _Failure("too_many_pages", f"{frames} frames, limit {req['max_pages']}")
                for index in range(frames):
                    img.seek(index)
                    img.load()
                return {"page_count": frames, "format": img.format, "width": img.width, "height": img.height}
    except Image.DecompressionBombError as exc:
        raise _Failure("too_large", str(exc)) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _Failure("unreadable", f"{type(exc).__name__}: {exc}") from exc


_modules: dict[str, ModuleType] = {}


def _ofd_module(name: str) -> Any:
    """ofd_package, ofd_text or ofd_render, loaded from this directory (the server package is not importable)."""
    if name not in _modules:
        spec = importlib.util.spec_from_file_location(name, os.path.join(os.path.dirname(__file__), f"{name}.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        _modules[name] = module
    return _modules[name]


def _ofd_pages(package: Any, max_pages: int) -> list[tuple[Any, str]]:
    pages = [(doc, name) for doc in package.documents() for name in doc.pages]
    if len(pages) > max_pages:
        raise _Failure("too_many_pages", f"{len(pages)} pages, limit {max_pages}")
    if not pages:
        raise _Failure("unreadable", "the OFD has no pages")
    return pages


def _ofd_run(req: dict[str, Any], job: Any) -> dict[str, Any]:
    ofd = _ofd_module("ofd_package")
    try:
        with ofd.Package(req["path"]) as package:
            return job(package, _ofd_pages(package, req["max_pages"]))
    except ofd.OfdError as exc:
        raise _Failure(exc.reason, exc.detail) from exc


def _op_ofd_count(req: dict[str, Any]) -> dict[str, Any]:
    return _ofd_run(req, lambda package, pages: {"page_count": len(pages)})


def _op_ofd_check(req: dict[str, Any]) -> dict[str, Any]:
    """Every page's content parses, and so does every image it draws."""

    def check(package: Any, pages: list[tuple[Any, str]]) -> dict[str, Any]:
        for doc, name in pages:
            page = package.page(doc, name)
            for image in page.images:
                package.read(image.member, _ofd_module("ofd_package").MAX_MEDIA_BYTES)
        return {"page_count": len(pages)}

    return _ofd_run(req, check)


def _op_ofd_text(req: dict[str, Any]) -> dict[str, Any]:
    text_of = _ofd_module("ofd_text").page_text

    def texts(package: Any, pages: list[tuple[Any, str]]) -> dict[str, Any]:
        found = [
            {"n": n, "text": _clean(text_of(package.page(doc, name), req["max_page_chars"]), req["max_page_chars"])}
            for n, (doc, name) in enumerate(pages, start=1)
        ]
        return {"page_count": len(pages), "pages": found}

    return _ofd_run(req, texts)


def _op_ofd_render(req: dict[str, Any]) -> dict[str, Any]:
    """One page as PNG (base64), fitted into ``px``."""
    render = _ofd_module("ofd_render")
    cap = _ofd_module("ofd_package").MAX_MEDIA_BYTES

    def draw(package: Any, pages: list[tuple[Any, str]]) -> dict[str, Any]:
        if not 1 <= req["page"] <= len(pages):
            raise _Failure("unreadable", f"no page {req['page']}")
        doc, name = pages[req["page"] - 1]
        img = render.render_page(package, package.page(doc, name), req["px"], render.find_font(), cap)
        buf = io.BytesIO()
        img.save(buf, format="PNG", compress_level=1)
        return {"page_count": len(pages), "png": base64.b64encode(buf.getvalue()).decode("ascii")}

    return _ofd_run(req, draw)


_PDF_OPS = {"text": _op_text, "check": _op_check, "count": _op_count}
_FILE_OPS = {
    "image": _op_image,
    "ofd_count": _op_ofd_count,
    "ofd_check": _op_ofd_check,
    "ofd_text": _op_ofd_text,
    "ofd_render": _op_ofd_render,
}


def _handle(req: dict[str, Any], recorder: _Recorder) -> dict[str, Any]:
    recorder.messages.clear()
    _arm_cpu_limit(float(req["cpu_s"]))
    try:
        result = _FILE_OPS[req["op"]](req) if req["op"] in _FILE_OPS else _PDF_OPS[req["op"]](_open(req["path"]), req)
        result["ok"] = True
    except _Failure as exc:
        result = {"ok": False, "reason": exc.reason, "detail": exc.detail}
    except RecursionError as exc:
        result = {"ok": False, "reason": "unreadable", "detail": f"RecursionError: {exc}"}
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - the sandbox answers every failure of an untrusted file, never dies
        from pypdf.errors import LimitReachedError

        reason = "unreadable"
        if isinstance(exc, LimitReachedError):
            reason = "too_many_pages" if "page tree" in str(exc).lower() else "too_large"
        result = {"ok": False, "reason": reason, "detail": f"{type(exc).__name__}: {exc}"[:500]}
    result["warnings"] = list(recorder.messages)
    return result


def main() -> None:
    _limit_memory(int(sys.argv[1]))
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    logging.captureWarnings(True)
    recorder = _Recorder()
    root = logging.getLogger()
    root.handlers[:] = [recorder]
    root.setLevel(logging.WARNING)
    for line in sys.stdin.buffer:
        try:
            response = _handle(json.loads(line), recorder)
            payload = json.dumps(response, ensure_ascii=False).encode("utf-8") + b"\n"
        except MemoryError:
            os._exit(EXIT_MEMORY)
        out.write(payload)
        out.flush()


if __name__ == "__main__":
    main()
