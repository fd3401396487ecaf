"""Each DA/T 70 item fails on its own: a sealed package is copied, one thing in it is changed (with every
manifest and the signature made to agree again, so no other item notices), and only that item fails."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from archive_samples import make_pdf
from scan_samples import MALWARE_MARKER
from scan_samples import make_pdf as make_raw_pdf

from server.services.archive import dat70, signing
from server.services.archive.dat70 import Context, check_package
from server.services.archive.package_files import FolderPackage


class Package:
    def __init__(self, root: Path, settings) -> None:
        self.root, self.settings = root, settings
        self.ctx: dict = {}
        self.skip_reseal = False

    @property
    def meta(self) -> dict:
        return json.loads((self.root / "metadata" / "dossier.json").read_text(encoding="utf-8"))

    def set_meta(self, meta: dict) -> None:
        (self.root / "metadata" / "dossier.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    def edit(self, **elements) -> None:
        """Changes DA/T 46 elements wherever dossier.json states them."""
        meta = self.meta
        for name, value in elements.items():
            meta.setdefault("elements", {})[name] = value
        self.set_meta(meta)

    def edit_file(self, **fields) -> None:
        meta = self.meta
        meta["files"][0].update(fields)
        self.set_meta(meta)

    @property
    def payload(self) -> Path:
        return self.root / self.meta["files"][0]["path"]

    def replace_payload(self, data: bytes, media_type: str | None = None) -> None:
        """A different file whose digests everything records: only what is judged from content can object."""
        self.payload.write_bytes(data)
        fields = {
            "size": len(data),
            **{name: hashlib.new(name, data).hexdigest() for name in ("sha256", "sha512", "sm3")},
        }
        self.edit_file(**fields, **({"media_type": media_type} if media_type else {}))
        self.set_oxum()

    def set_oxum(self) -> None:
        files = [p for p in (self.root / "data").rglob("*") if p.is_file()]
        info = (self.root / "bag-info.txt").read_text(encoding="utf-8").splitlines()
        oxum = f"Payload-Oxum: {sum(p.stat().st_size for p in files)}.{len(files)}"
        lines = [oxum if line.startswith("Payload-Oxum:") else line for line in info]
        (self.root / "bag-info.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def reseal(self) -> None:
        """Payload manifests for what manifest-sha256 lists, tag manifests over the tag files, a new signature."""
        listed = [line.split("  ", 1)[1] for line in (self.root / "manifest-sha256.txt").read_text().splitlines()]
        tags = [
            p.relative_to(self.root).as_posix()
            for p in sorted(self.root.rglob("*"))
            if p.is_file() and not p.relative_to(self.root).as_posix().startswith(("data/", "tagmanifest-"))
        ]
        for algorithm in ("sha256", "sha512"):
            present = [name for name in listed if (self.root / name).is_file()]
            self._manifest(f"manifest-{algorithm}.txt", algorithm, present)
        for algorithm in ("sha256", "sha512"):
            self._manifest(f"tagmanifest-{algorithm}.txt", algorithm, tags)

    def _manifest(self, name: str, algorithm: str, paths: list[str]) -> None:
        lines = [f"{hashlib.new(algorithm, (self.root / p).read_bytes()).hexdigest()}  {p}\n" for p in paths]
        (self.root / name).write_text("".join(lines), encoding="utf-8")

    def check(self, scanner) -> dat70.Report:
        if not self.skip_reseal:
            self.reseal()
        signer = signing.signer_for(self.settings)
        tag_manifest = (self.root / "tagmanifest-sha256.txt").read_bytes()
        ctx = {"certificate": signer.certificate(), "signature": signer.sign(tag_manifest), "scanner": scanner}
        return check_package(FolderPackage(self.root), Context(**{**ctx, **self.ctx}))


@pytest.fixture
def package(seal, runtime, objects_root, tmp_path) -> Package:
    dossier = seal(files={"营业执照.pdf": make_pdf("licence"), "平面图.pdf": make_pdf("floor plan")})
    copy = tmp_path / "bag"
    shutil.copytree(objects_root / dossier.package_prefix, copy)
    for path in copy.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return Package(copy, runtime.settings)


def _swap_events(p: Package) -> None:
    path = p.root / "metadata" / "events.json"
    events = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(events[::-1]), encoding="utf-8")


def _drop_payload(p: Package) -> None:
    p.payload.unlink()
    p.set_oxum()


def _extra_payload(p: Package) -> None:
    (p.root / "data" / "extra.txt").write_text("not declared")
    p.set_oxum()


def _tag_file_changed(p: Package) -> None:
    p.reseal()
    p.skip_reseal = True
    with (p.root / "bag-info.txt").open("a", encoding="utf-8") as fh:
        fh.write("Note: added after sealing\n")


def _wrong_oxum(p: Package) -> None:
    info = (p.root / "bag-info.txt").read_text(encoding="utf-8")
    (p.root / "bag-info.txt").write_text(info.replace("Payload-Oxum: ", "Payload-Oxum: 1"), encoding="utf-8")


def _gif(p: Package) -> None:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 255)).save(out, "GIF")
    p.replace_payload(out.getvalue(), "image/gif")


CASES: dict[str, Callable[[Package], None]] = {
    "ZS-01": lambda p: p.ctx.update(signature=signing.signer_for(p.settings).sign(b"another manifest")),
    "ZS-02": lambda p: p.edit(题名="长" * 501),
    "ZS-03": lambda p: p.edit(受理时间="昨天上午"),
    "ZS-04": lambda p: p.edit(保管期限="50年"),
    "ZS-05": lambda p: p.edit(受理时间="2099-01-01T09:00:00+08:00"),
    "ZS-06": lambda p: p.edit(题名="王丽华\u200b开办民宿"),
    "ZS-07": lambda p: p.edit(档号="0001 WS/2026 D30 WLJ 0001"),
    "ZS-08": lambda p: p.ctx.update(duplicate_codes=frozenset({p.meta["archival_code"]})),
    "ZS-09": lambda p: p.edit_file(media_type="image/png"),
    "ZS-10": lambda p: p.edit_file(sha256="0" * 64),
    "ZS-11": lambda p: p.edit_file(sm3="0" * 64),
    "ZS-12": _tag_file_changed,
    "ZS-13": _swap_events,
    "ZS-14": lambda p: p.ctx.update(record={"archival_code": p.meta["archival_code"], "version": 1, "file_count": 5}),
    "WZ-01": _wrong_oxum,
    "WZ-02": _drop_payload,
    "WZ-03": _extra_payload,
    "WZ-04": lambda p: p.edit(责任者=""),
    "WZ-05": lambda p: p.ctx.update(numbering_gaps=[2]),
    "KY-01": lambda p: (p.root / "metadata" / "dossier.json").write_text("{not json"),
    "KY-02": _gif,
    "KY-03": lambda p: p.replace_payload(make_pdf("cut short")[:300]),
    "AQ-01": lambda p: p.replace_payload(make_raw_pdf(MALWARE_MARKER.decode())),
}


def test_every_item_has_a_case():
    assert set(CASES) == set(dat70.ITEMS)


def test_an_untouched_package_passes_every_item(package, runtime):
    report = package.check(runtime.scanner)
    assert report.status == "passed", [i.as_dict() for i in report.items if i.ok is not True]
    # What only the archive knows (its record, its other numbers) is checked when it runs the check itself.
    assert {i.code for i in report.items} == set(dat70.ITEMS) - {"ZS-14", "WZ-05"}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_item_fails_on_its_own(package, runtime, code):
    CASES[code](package)
    report = package.check(runtime.scanner)
    failed = [i.as_dict() for i in report.items if i.ok is False]
    assert report.failed_codes() == {code}, failed
    assert all(f["reason"] for f in failed), failed


def test_without_a_scanner_the_virus_item_is_not_checked_never_passed(package):
    report = package.check(None)
    [virus] = [i for i in report.items if i.code == "AQ-01"]
    assert virus.ok is None and report.status == "incomplete"
