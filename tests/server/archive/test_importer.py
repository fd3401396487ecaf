"""`onewindow archive import --year`: imported paper records take the year they were formed, not the year
they were scanned, in their 档号 and their DA/T 46 dates, numbered without gaps within that year."""

from __future__ import annotations

import json

from click.testing import CliRunner

from server.cli import main
from server.models import Dossier
from server.services.archive.metadata import dossier_elements
from server.services.archive.numbering import numbering_gaps
from server.timeutil import local


def _import(settings, *args):
    env = {"ONEWINDOW_DATA_DIR": str(settings.data_dir), "ONEWINDOW_CLAMD_URL": settings.clamd_url}
    return CliRunner().invoke(main, ["archive", "import", *args, "--service", "minsu", "--json"], env=env)


def test_imported_records_take_the_year_they_were_formed(runtime, demo, tmp_path, documents):
    paths = []
    for n in (1, 2):
        path = tmp_path / f"2019-民宿-{n}.pdf"
        path.write_bytes(documents["营业执照.pdf"])
        paths.append(str(path))
    result = _import(runtime.settings, *paths, "--year", "2019")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["archival_code"] for line in lines] == ["0001-WS·2019-D30-WLJ-0001", "0001-WS·2019-D30-WLJ-0002"]
    this_year = _import(runtime.settings, paths[0])
    assert this_year.exit_code == 0, this_year.output
    assert json.loads(this_year.output)["archival_code"].endswith("-0001"), "another year, another run"
    with runtime.db.session() as session:
        dossier = session.get(Dossier, lines[1]["dossier_id"])
        elements = dossier_elements(dossier)
        assert dossier.year == 2019 and elements["年度"] == 2019 and elements["来源"] == "存量档案导入"
        assert elements["日期"].startswith("2019-") and local(dossier.opened_at).year == 2019
        assert numbering_gaps(session, dossier) == []


def test_a_year_in_the_future_or_before_1949_is_refused(runtime, demo, tmp_path, documents):
    path = tmp_path / "x.pdf"
    path.write_bytes(documents["营业执照.pdf"])
    for year in ("1900", "2999"):
        result = _import(runtime.settings, str(path), "--year", year)
        assert result.exit_code == 1 and "--year" in result.output, result.output
