"""The DA/T 46 / GB/T 42727 metadata model: its columns as migrated on every database, the 证件类型 rule,
and the XML rendering, valid against the package schema the transfer batch is checked with."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import inspect

from server.db import Database
from server.models import Base, Dossier
from server.services.archive import xml_schemas
from server.services.archive.metadata import dossier_elements, elements_xml, id_type_of

NS = "{urn:onewindow:da-t-46}"
TABLES = ("service_items", "dossiers", "dossier_files", "archival_sequences")


def test_the_migrations_make_the_models_columns(database_url):
    database = Database(database_url)
    try:
        database.migrate()
        inspector = inspect(database.engine)
        for table in TABLES:
            migrated = {c["name"]: c for c in inspector.get_columns(table)}
            modelled = Base.metadata.tables[table].columns
            assert set(migrated) == {c.name for c in modelled}, table
            for column in modelled:
                assert migrated[column.name]["nullable"] == column.nullable, (table, column.name)
        uniques = [u["column_names"] for u in inspector.get_unique_constraints("archival_sequences")]
        assert ["code_group"] in uniques and ["fonds", "year", "retention", "org_code"] not in uniques
    finally:
        database.dispose()


@pytest.mark.parametrize(
    "number, kind",
    [
        ("330127198805123429", "resident_id"),
        ("91350100M000100Y43", "credit_code"),
        ("91330127MA2B3C4D5T", "credit_code"),
        ("91330127MA2B3C4D5E", "other"),  # a credit code's shape with a wrong check character
        ("330127198805123421", "other"),  # a resident ID's shape with a wrong check digit
        ("E12345678", "other"),  # a passport
        ("", ""),
    ],
)
def test_the_id_type_follows_the_number(number, kind):
    assert id_type_of(number) == kind


def test_the_elements_render_as_xml_valid_against_the_package_schema(seal, runtime):
    sealed = seal()
    with runtime.db.session() as session:
        elements = dossier_elements(session.get(Dossier, sealed.id))
    data = elements_xml(elements)
    assert xml_schemas.problems(xml_schemas.DA_T_46, data) == []
    root = ET.fromstring(data)
    assert root.findtext(f"{NS}档号") == elements["档号"] and root.findtext(f"{NS}件数") == str(elements["件数"])
    files = root.findall(f"{NS}文件列表/{NS}文件")
    assert [f.findtext(f"{NS}计算机文件名") for f in files] == [f["计算机文件名"] for f in elements["文件"]]
    jpeg = next(f for f in files if f.findtext(f"{NS}MIME类型") == "image/jpeg")
    assert jpeg.findtext(f"{NS}数字化属性/{NS}色彩模式") == "彩色"
    assert elements_xml(elements) == data, "the same tree every time"
