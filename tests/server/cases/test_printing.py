"""Documents printed for the archive (notices, the application form, filed records) embed their CJK font and
are PDF/A-2b, checked with veraPDF when it can be had (Maven Central, as the test servers are)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from server.services.cases import printing

IN_CI = os.environ.get("CI", "").lower() == "true"
VERAPDF = "org.verapdf.apps:greenfield-apps:1.28.2"
POM = """<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>onewindow</groupId><artifactId>verapdf-classpath</artifactId><version>1</version>
<dependencies><dependency><groupId>{0}</groupId><artifactId>{1}</artifactId><version>{2}</version></dependency>
</dependencies></project>"""


def _fonts(data: bytes) -> list[dict]:
    reader = PdfReader(io.BytesIO(data))
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/FontDescriptor" in font:
                fonts.append(font)
    return fonts


@pytest.fixture(scope="module")
def sample() -> bytes:
    return printing.render(
        "受理通知书", ["编号：SL-20261201-0001", "你（单位）申请的“开办民宿”事项，经审查，决定予以受理。"]
    )


def test_the_cjk_font_is_embedded_as_a_subset(sample):
    [font] = _fonts(sample)
    descriptor = font["/FontDescriptor"].get_object()
    assert "/FontFile2" in descriptor, "the TrueType program is in the file"
    assert font["/BaseFont"].startswith("/") and font["/BaseFont"][7] == "+", "a subset (ABCDEF+Name)"
    embedded = descriptor["/FontFile2"].get_object().get_data()
    assert 0 < len(embedded) < 200_000, "a subset of the glyphs used, not the 16 MB font"
    text = PdfReader(io.BytesIO(sample)).pages[0].extract_text()
    assert "开办民宿" in text, "text stays extractable (ToUnicode)"


def test_the_same_document_gives_the_same_bytes(sample):
    again = printing.render(
        "受理通知书", ["编号：SL-20261201-0001", "你（单位）申请的“开办民宿”事项，经审查，决定予以受理。"]
    )
    assert again == sample


def test_pdf_a_metadata_and_output_intent(sample):
    reader = PdfReader(io.BytesIO(sample))
    root = reader.trailer["/Root"]
    [intent] = root["/OutputIntents"]
    assert intent.get_object()["/S"] == "/GTS_PDFA1"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert reader.metadata.title == "受理通知书"


def _cache_dir() -> Path:
    """Where scripts/services keeps the test servers (scripts/services default_cache_dir)."""
    if os.environ.get("ONEWINDOW_CACHE_DIR"):
        return Path(os.environ["ONEWINDOW_CACHE_DIR"])
    if os.geteuid() == 0:
        return Path("/var/cache/onewindow")
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "onewindow"


def _verapdf_classpath() -> str:
    """veraPDF's jars, resolved by Maven once into the cache; the classpath names them."""
    cache = _cache_dir() / "verapdf-1.28.2"
    classpath = cache / "classpath.txt"
    if classpath.is_file():
        return classpath.read_text()
    reason = ""
    if not shutil.which("mvn") or not shutil.which("java"):
        reason = "veraPDF: mvn and java are needed to fetch it from Maven Central"
    else:
        cache.mkdir(parents=True, exist_ok=True)
        (cache / "pom.xml").write_text(POM.format(*VERAPDF.split(":")))
        done = subprocess.run(
            [
                "mvn",
                "-q",
                "-B",
                "-f",
                str(cache / "pom.xml"),
                "dependency:build-classpath",
                f"-Dmdep.outputFile={classpath}",
            ],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if done.returncode == 0 and classpath.is_file():
            return classpath.read_text()
        reason = f"veraPDF could not be fetched: {done.stdout[-500:]}{done.stderr[-500:]}"
    if IN_CI:
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def test_verapdf_finds_the_documents_pdf_a_2b(sample, tmp_path):
    from server.services.cases.archiving_scope import UNDERTAKING_WORDING

    classpath = _verapdf_classpath()
    long_one = printing.render("容缺受理承诺书", [UNDERTAKING_WORDING] * 60)
    paths = []
    for name, data in (("notice.pdf", sample), ("long.pdf", long_one)):
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    done = subprocess.run(
        ["java", "-cp", classpath, "org.verapdf.apps.GreenfieldCliWrapper", "-f", "2b", "--format", "text", *paths],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert len(lines) == 2 and all(line.startswith("PASS ") for line in lines), done.stdout + done.stderr
