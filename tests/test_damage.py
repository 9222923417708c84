"""store.damage keeps its own list of what a study file holds (standard library only,
for `lessonstudy info`): it must say the same as the store itself."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from lessonstudy.store import damage, documents
from store_helpers import make_file


def test_the_kinds_of_document_are_the_stores():
    assert set(damage.DOCUMENT_KINDS) == set(documents.BODY_TYPES)
    assert set(damage.SINGLE_KINDS) == {d.kind for d in documents.SINGLE_DOCUMENTS}


def test_a_new_study_has_exactly_the_expected_tables_and_no_damage(tmp_path):
    path, _ = make_file(tmp_path / "s.lessonstudy")
    with closing(sqlite3.connect(path)) as con:
        tables = {
            name: tuple(row[1] for row in con.execute(f"PRAGMA table_info({name})"))
            for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        assert tables == damage.expected_columns()
        assert damage.find_damage(con) == []
