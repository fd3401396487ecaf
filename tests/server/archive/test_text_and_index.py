"""After sealing: text extraction, previews and indexing run as jobs (the outbox), and the
index can always be rebuilt from the object store alone."""

from __future__ import annotations

import json
from datetime import timedelta

from archive_samples import make_chinese_pdf, make_jpeg
from click.testing import CliRunner
from sqlalchemy import select

from indexers import IndexUnavailable, Scope, SearchQuery
from server.cli import main
from server.jobs import Worker
from server.models import DossierFile, Job, utcnow
from server.services.object_keys import preview_key, text_key

LICENCE = [
    "营业执照",
    "名称：青山村民宿有限公司",
    "统一社会信用代码：91330127MA2H3K4L5P",
    "经营范围：住宿服务；餐饮服务",
]


def _search(runtime, q: str):
    return runtime.index.search(SearchQuery(q=q, scope=Scope.everything()))


def _run_jobs(runtime):
    return Worker(runtime.db, runtime).run_until_idle()


def test_sealed_text_is_extracted_stored_per_page_and_searchable(seal, runtime):
    dossier = seal(files={"营业执照.pdf": make_chinese_pdf(LICENCE), "照片.jpg": make_jpeg()})
    _run_jobs(runtime)
    with runtime.db.session() as session:
        files = {f.name: f for f in session.scalars(select(DossierFile).where(DossierFile.dossier_id == dossier.id))}
        licence = files["营业执照.pdf"]
        assert licence.text_status == "done", licence.text_detail
        assert licence.text_pages == 1 and licence.preview_pages == 1
        with runtime.store.open(text_key(dossier.id, licence.seq)) as fh:
            pages = json.loads(fh.read())["pages"]
        assert pages[0]["source"] == "text" and "青山村民宿" in pages[0]["text"]
        assert runtime.store.exists(preview_key(dossier.id, licence.seq, 1, 320))
        assert session.scalar(select(Job).where(Job.status != "done")) is None

    hits = _search(runtime, "民宿 91330127MA2H3K4L5P")
    assert [h.dossier_id for h in hits.hits] == [dossier.id]
    assert any("<mark>" in h for f in hits.hits[0].files for h in f.highlights)
    assert _search(runtime, "民宿 不存在的词语").total == 0


def _next_kind(runtime) -> str | None:
    with runtime.db.session() as session:
        return session.scalar(select(Job.kind).where(Job.status == "pending").order_by(Job.run_after).limit(1))


def test_a_file_is_searchable_before_its_previews_are_rendered(seal, runtime):
    """Rendering every page twice costs many times a text layer: it waits until the text is indexed."""
    dossier = seal(files={"营业执照.pdf": make_chinese_pdf(LICENCE), "照片.jpg": make_jpeg()})
    worker = Worker(runtime.db, runtime)
    ran = []
    while (kind := _next_kind(runtime)) != "archive.previews":
        assert kind is not None, f"no previews job queued after {ran}"
        ran.append(kind)
        worker.run_once()
    assert ran.count("archive.extract_file") == 2 and ran[-1] == "index.dossier", ran
    assert [h.dossier_id for h in _search(runtime, "91330127MA2H3K4L5P").hits] == [dossier.id]
    with runtime.db.session() as session:
        licence = session.scalar(select(DossierFile).where(DossierFile.name == "营业执照.pdf"))
        assert licence.text_status == "done" and licence.preview_pages == 0
        assert not runtime.store.exists(preview_key(dossier.id, licence.seq, 1, 320))

    _run_jobs(runtime)
    with runtime.db.session() as session:
        for file in session.scalars(select(DossierFile).where(DossierFile.dossier_id == dossier.id)):
            assert file.preview_pages == 1, file.name
            assert runtime.store.exists(preview_key(dossier.id, file.seq, 1, 320))


class _DownIndex:
    """An index whose server does not answer."""

    def __init__(self, real):
        self.real = real

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise IndexUnavailable("index server unreachable")

        return fail


def test_intake_goes_on_while_the_index_is_down_and_it_catches_up(seal, runtime):
    real = runtime.index
    runtime.index = _DownIndex(real)
    dossier = seal(files={"营业执照.pdf": make_chinese_pdf(LICENCE)})
    _run_jobs(runtime)
    with runtime.db.session() as session:
        index_jobs = session.scalars(select(Job).where(Job.kind == "index.dossier")).all()
        assert index_jobs and all(j.status == "pending" for j in index_jobs)
        assert all("unreachable" in j.last_error for j in index_jobs)
        # the rest of the work was not held up
        assert session.scalar(select(DossierFile.text_status)) == "done"

    runtime.index = real
    with runtime.db.session() as session:
        for job in session.scalars(select(Job).where(Job.status == "pending", Job.kind == "index.dossier")):
            job.run_after = utcnow() - timedelta(seconds=1)
    _run_jobs(runtime)
    assert [h.dossier_id for h in _search(runtime, "青山村").hits] == [dossier.id]


def test_rebuild_from_object_storage_alone(seal, runtime, settings):
    kept = seal(files={"营业执照.pdf": make_chinese_pdf(LICENCE)}, title="青山村民宿开办")
    old = seal(
        files={"平面图.pdf": make_chinese_pdf(["民宿平面布局图", "一层客房八间，二层公共卫生间与消防通道"])},
        title="旧版本",
    )
    new = seal(
        files={"平面图.pdf": make_chinese_pdf(["民宿平面布局图", "一层客房九间，二层公共卫生间与消防通道"])},
        replaces=old,
        correction_reason="平面图更正",
        title="更正版本",
    )
    _run_jobs(runtime)
    assert {h.dossier_id for h in _search(runtime, "民宿").hits} == {kept.id, new.id}

    runtime.index.clear()
    assert _search(runtime, "民宿").total == 0
    # The database is not consulted: point the command at an empty one.
    env = {
        "ONEWINDOW_DATA_DIR": str(settings.data_dir),
        "ONEWINDOW_DATABASE_URL": f"sqlite:///{settings.data_dir / 'empty.db'}",
    }
    result = CliRunner().invoke(main, ["index", "rebuild"], env=env)
    assert result.exit_code == 0, result.output
    assert "indexed 2 dossier(s)" in result.output
    assert {h.dossier_id for h in _search(runtime, "民宿").hits} == {kept.id, new.id}
    assert [h.dossier_id for h in _search(runtime, "客房九间").hits] == [new.id]
    assert _search(runtime, "客房八间").total == 0


def test_a_stale_index_is_rebuilt_by_a_job(seal, runtime, monkeypatch):
    from server.tasks import schedule_index_rebuild

    dossier = seal(files={"营业执照.pdf": make_chinese_pdf(LICENCE)})
    _run_jobs(runtime)
    runtime.index.clear()
    assert _search(runtime, "青山村").total == 0
    monkeypatch.setattr(runtime.index, "needs_rebuild", lambda: True)  # e.g. a new schema version
    with runtime.db.session() as session:
        assert schedule_index_rebuild(session, runtime)
        assert schedule_index_rebuild(session, runtime), "still stale, but queued only once"
    with runtime.db.session() as session:
        assert len(session.scalars(select(Job).where(Job.kind == "index.rebuild")).all()) == 1
    _run_jobs(runtime)
    assert [h.dossier_id for h in _search(runtime, "青山村").hits] == [dossier.id]
    monkeypatch.setattr(runtime.index, "needs_rebuild", lambda: False)
    with runtime.db.session() as session:
        assert not schedule_index_rebuild(session, runtime)
