"""Reading an OFD package (GB/T 33190): documents, pages and their text, image and path objects.

An OFD file is a zip of XML: OFD.xml names each document's Document.xml, which
lists its pages (each a Content.xml) and its resources (fonts, images). It is
attacker-controlled, so only XML members below a size cap are read, a member
is never inflated past that cap whatever its header claims, names that climb
out of the package are refused, and XML with a DTD is refused outright (no
entity can expand). Runs in the sandboxed worker (pdf_worker.py) and so uses
only the standard library; it raises OfdError, which the worker reports.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field

MAX_XML_BYTES = 8 * 1024 * 1024
MAX_TOTAL_XML_BYTES = 256 * 1024 * 1024
MAX_MEDIA_BYTES = 32 * 1024 * 1024
MAX_MEMBERS = 20_000
MAX_OBJECTS_PER_PAGE = 100_000
MAX_TEMPLATE_DEPTH = 4
DEFAULT_PAGE_MM = (210.0, 297.0)
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


class OfdError(Exception):
    """A package that cannot be read; ``reason`` uses ExtractionFailed's codes."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass
class TextRun:
    """One TextCode: its characters with absolute x positions (mm) on one baseline."""

    x: list[float]
    y: float
    size: float
    text: str
    font: str = ""


@dataclass
class ImageObject:
    member: str
    box: tuple[float, float, float, float]


@dataclass
class PathObject:
    """A path as polylines in absolute mm (curves become their end points: previews only)."""

    lines: list[list[tuple[float, float]]]
    width: float


@dataclass
class Page:
    width: float
    height: float
    texts: list[TextRun] = field(default_factory=list)
    images: list[ImageObject] = field(default_factory=list)
    paths: list[PathObject] = field(default_factory=list)


@dataclass
class Document:
    root: str
    box: tuple[float, float]
    pages: list[str]
    templates: dict[str, str]
    fonts: dict[str, str]
    media: dict[str, str]


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def numbers(text: str | None) -> list[float]:
    return [float(n) for n in _NUMBER.findall(text or "")]


def safe_join(base_dir: str, ref: str) -> str:
    """A member name from a reference inside the package; absolute references start at its root."""
    ref = ref.strip().replace("\\", "/")
    joined = ref.lstrip("/") if ref.startswith("/") else posixpath.join(base_dir, ref)
    name = posixpath.normpath(joined) if joined else ""
    if not name or name == "." or name.startswith("../") or name == "..":
        raise OfdError("unreadable", f"reference {ref[:100]!r} leaves the package")
    return name


class Package:
    """An open OFD zip with its member index; use as a context manager."""

    def __init__(self, path: str) -> None:
        try:
            self.zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise OfdError("unreadable", f"not a zip: {exc}") from exc
        infos = self.zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise OfdError("too_large", f"{len(infos)} members")
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename.replace("\\", "/")
            parts = name.split("/")
            if name.startswith("/") or ".." in parts or re.match(r"^[A-Za-z]:", name):
                raise OfdError("unreadable", f"unsafe member name {name[:100]!r}")
            self.members[name.lower()] = info
        self.xml_read = 0

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zf.close()

    def read(self, name: str, cap: int) -> bytes:
        info = self.members.get(name.lower())
        if info is None:
            raise OfdError("unreadable", f"the package lacks {name[:200]}")
        if info.file_size > cap:
            raise OfdError("too_large", f"{name[:200]} is {info.file_size} bytes")
        try:
            with self.zf.open(info) as fh:
                data = fh.read(cap + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise OfdError("unreadable", f"{name[:200]}: {exc}") from exc
        if len(data) > cap:
            raise OfdError("too_large", f"{name[:200]} inflates past {cap} bytes")
        return data

    def xml(self, name: str) -> ET.Element:
        data = self.read(name, MAX_XML_BYTES)
        self.xml_read += len(data)
        if self.xml_read > MAX_TOTAL_XML_BYTES:
            raise OfdError("too_large", f"more than {MAX_TOTAL_XML_BYTES} bytes of XML")
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise OfdError("unreadable", f"{name[:200]}: DTDs and UTF-16 are not accepted in OFD XML")
        try:
            return ET.fromstring(data)
        except ET.ParseError as exc:
            raise OfdError("unreadable", f"{name[:200]}: {exc}") from exc

    def documents(self) -> list[Document]:
        root = self.xml("OFD.xml")
        doc_roots = [el.text.strip() for el in root.iter() if local(el.tag) == "DocRoot" and el.text]
        if not doc_roots:
            raise OfdError("unreadable", "OFD.xml names no DocRoot")
        return [self._document(safe_join("", ref)) for ref in doc_roots]

    def _document(self, name: str) -> Document:
        tree = self.xml(name)
        base = posixpath.dirname(name)
        box = DEFAULT_PAGE_MM
        fonts: dict[str, str] = {}
        media: dict[str, str] = {}
        templates: dict[str, str] = {}
        pages: list[str] = []
        for el in tree.iter():
            tag = local(el.tag)
            if tag == "PhysicalBox" and box == DEFAULT_PAGE_MM:
                box = _box_size(el.text) or DEFAULT_PAGE_MM
            elif tag in ("PublicRes", "DocumentRes") and el.text:
                self._resources(safe_join(base, el.text), fonts, media)
            elif tag == "TemplatePage" and el.get("BaseLoc"):
                templates[el.get("ID", "")] = safe_join(base, el.get("BaseLoc", ""))
            elif tag == "Page" and el.get("BaseLoc"):
                pages.append(safe_join(base, el.get("BaseLoc", "")))
        return Document(name, box, pages, templates, fonts, media)

    def _resources(self, name: str, fonts: dict[str, str], media: dict[str, str]) -> None:
        if name.lower() not in self.members:
            return
        tree = self.xml(name)
        res_dir = posixpath.dirname(name)
        if tree.get("BaseLoc"):
            res_dir = safe_join(res_dir, tree.get("BaseLoc", ""))
        for el in tree.iter():
            tag = local(el.tag)
            if tag == "Font":
                fonts[el.get("ID", "")] = el.get("FontName", "")
            elif tag == "MultiMedia":
                files = [c.text for c in el if local(c.tag) == "MediaFile" and c.text]
                if files:
                    media[el.get("ID", "")] = safe_join(res_dir, files[0])

    def page(self, doc: Document, name: str) -> Page:
        """A page's objects, its templates' first, in absolute page coordinates (mm)."""
        tree = self.xml(name)
        area = next((el for el in tree.iter() if local(el.tag) == "PhysicalBox"), None)
        width, height = (_box_size(area.text) if area is not None else None) or doc.box
        page = Page(width, height)
        _Collector(self, doc, page).content(tree, depth=0)
        return page


class _Collector:
    """Walks Content.xml (layers, page blocks, templates) into a Page."""

    def __init__(self, package: Package, doc: Document, page: Page) -> None:
        self.package, self.doc, self.page = package, doc, page
        self.count = 0

    def content(self, tree: ET.Element, depth: int) -> None:
        for el in tree.iter():
            if (
                local(el.tag) == "Template"
                and el.get("TemplateID") in self.doc.templates
                and depth < MAX_TEMPLATE_DEPTH
            ):
                template = self.package.xml(self.doc.templates[el.get("TemplateID", "")])
                self.content(template, depth + 1)
        for el in tree.iter():
            tag = local(el.tag)
            if tag in _HANDLERS:
                self.count += 1
                if self.count > MAX_OBJECTS_PER_PAGE:
                    raise OfdError("too_large", f"more than {MAX_OBJECTS_PER_PAGE} objects on a page")
                _HANDLERS[tag](self, el)

    def text_object(self, el: ET.Element) -> None:
        x0, y0, _, _ = _boundary(el)
        size = (numbers(el.get("Size")) or [3.5])[0]
        scale = _ctm_scale(el)
        font = self.doc.fonts.get(el.get("Font", ""), "")
        for code in el:
            if local(code.tag) != "TextCode" or not code.text:
                continue
            text = code.text
            x = x0 + (numbers(code.get("X")) or [0.0])[0] * scale
            y = y0 + (numbers(code.get("Y")) or [size])[0] * scale
            deltas = delta_x(code.get("DeltaX"), len(text) - 1)
            xs = [x]
            for i in range(1, len(text)):
                step = deltas[i - 1] if i - 1 < len(deltas) else size * (1.0 if ord(text[i - 1]) > 0x2E80 else 0.5)
                xs.append(xs[-1] + step * scale)
            self.page.texts.append(TextRun(xs, y, size * scale, text, font))

    def image_object(self, el: ET.Element) -> None:
        member = self.doc.media.get(el.get("ResourceID", ""))
        if member is not None:
            self.page.images.append(ImageObject(member, _boundary(el)))

    def path_object(self, el: ET.Element) -> None:
        if el.get("Stroke", "true") == "false":
            return
        x0, y0, _, _ = _boundary(el)
        data = next((c.text for c in el if local(c.tag) == "AbbreviatedData"), None)
        lines = path_lines(data or "", x0, y0, _ctm_scale(el))
        if lines:
            self.page.paths.append(PathObject(lines, (numbers(el.get("LineWidth")) or [0.353])[0]))


_HANDLERS = {
    "TextObject": _Collector.text_object,
    "ImageObject": _Collector.image_object,
    "PathObject": _Collector.path_object,
}


def _box_size(text: str | None) -> tuple[float, float] | None:
    values = numbers(text)
    if len(values) == 4 and values[2] > 0 and values[3] > 0:
        return values[2], values[3]
    return None


def _boundary(el: ET.Element) -> tuple[float, float, float, float]:
    values = numbers(el.get("Boundary"))
    return (values[0], values[1], values[2], values[3]) if len(values) == 4 else (0.0, 0.0, 0.0, 0.0)


def _ctm_scale(el: ET.Element) -> float:
    """The CTM's vertical scale, enough for the usual scaled text; rotations are not followed."""
    values = numbers(el.get("CTM"))
    return abs(values[3]) if len(values) == 6 and values[3] else 1.0


def delta_x(spec: str | None, wanted: int) -> list[float]:
    """DeltaX expanded: ``g N D`` stands for N times D (GB/T 33190 §11.3)."""
    out: list[float] = []
    tokens = (spec or "").split()
    i = 0
    while i < len(tokens) and len(out) < wanted:
        if tokens[i] == "g" and i + 2 < len(tokens):
            count, step = numbers(tokens[i + 1]), numbers(tokens[i + 2])
            if count and step:
                out.extend([step[0]] * min(int(count[0]), wanted - len(out)))
            i += 3
            continue
        value = numbers(tokens[i])
        if value:
            out.append(value[0])
        i += 1
    return out


def path_lines(data: str, x0: float, y0: float, scale: float) -> list[list[tuple[float, float]]]:
    """AbbreviatedData (M, L, Q, B, C, A, Z) as polylines through each segment's end point."""
    tokens = re.findall(r"[MLQBCAZSmlqbcazs]|" + _NUMBER.pattern, data)
    arity = {"M": 2, "S": 2, "L": 2, "Q": 4, "B": 6, "C": 6, "A": 7}
    lines: list[list[tuple[float, float]]] = []
    i = 0
    while i < len(tokens):
        op = tokens[i].upper()
        i += 1
        if op == "Z":
            if lines and len(lines[-1]) > 1:
                lines[-1].append(lines[-1][0])
            continue
        n = arity.get(op)
        if n is None or i + n > len(tokens):
            break
        try:
            args = [float(t) for t in tokens[i : i + n]]
        except ValueError:
            break
        i += n
        point = (x0 + args[-2] * scale, y0 + args[-1] * scale)
        if op in ("M", "S") or not lines:
            lines.append([point])
        else:
            lines[-1].append(point)
    return [line for line in lines if len(line) > 1]
