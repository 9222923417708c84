"""The archive: a folder of studies indexed, searched and filtered, and the index
catching up after every change (edits, moves, copies, deletions, damaged files),
never writing into a study and never indexing a pseudonym or private text."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from archive_helpers import (
    OTHER_PRIVATE,
    READING_PSEUDONYMS,
    REAL_NAME,
    SECRETS,
    ZONE,
    fingerprint,
    make_school,
    reading_study,
    write_study,
)
from lessonstudy import terms
from lessonstudy.archive.index import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    Filters,
    Library,
    default_index_path,
    fts_query,
)
from lessonstudy.errors import LessonStudyError
from lessonstudy.model import Observation
from lessonstudy.store import StudyFile, documents


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "studies"
    make_school(folder)
    return folder


@pytest.fixture
def index(tmp_path: Path) -> Path:
    return tmp_path / "index" / "library.sqlite3"


def titles(library: Library, query: str = "", filters: Filters | None = None) -> list[str]:
    if query:
        return sorted(found.study.title for found in library.search(query, filters))
    return sorted(card.title for card in library.studies(filters))


FRACTIONS = "Fractions in Year 4"
READING = "Inference in whole-class reading"


# --------------------------------------------------------------------------- a first look


def test_a_folder_is_indexed_with_each_study_on_one_card(folder: Path, index: Path) -> None:
    with Library.open(folder, index) as library:
        report = library.sync()
        assert (report.studies, report.read, report.problems) == (2, 2, ())
        cards = {card.title: card for card in library.studies()}
    assert set(cards) == {FRACTIONS, READING}
    fractions = cards[FRACTIONS].card
    assert cards[FRACTIONS].path == "maths/fractions.lessonstudy"
    assert (fractions["subject"], fractions["year_group"]) == ("Mathematics", "Year 4")
    assert fractions["school_year"] == 2024  # taught in January 2025
    assert (fractions["first_date"], fractions["last_date"]) == ("2025-01-14", "2025-01-21")
    assert fractions["status"] == "complete"
    assert fractions["learned"] == "Folding came before the wall"  # the first key point
    assert fractions["learner_groups"] == ["high attaining", "middle", "lower attaining"]
    reading = cards[READING].card
    assert reading["year_group"] == "Year 6"  # typed "Y6"
    assert (reading["status"], reading["stands"]) == ("teaching", "RL1 of 2 taught, discussed")
    # The newest school year first.
    with Library.open(folder, index) as library:
        assert [c.title for c in library.studies()] == [READING, FRACTIONS]


def test_a_second_look_at_an_unchanged_folder_reads_nothing(folder: Path, index: Path) -> None:
    with Library.open(folder, index) as library:
        library.sync()
    with Library.open(folder, index) as library:
        report = library.sync()
    assert (report.studies, report.read, report.moved, report.removed) == (2, 0, 0, 0)


def test_the_index_lives_in_the_users_data_folder_by_default(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LESSONSTUDY_DATA_DIR", str(tmp_path / "data"))
    with Library.open(folder) as library:
        library.sync()
        where = library.index
    assert where == default_index_path(folder)
    assert where.is_relative_to(tmp_path / "data") and where.exists()
    assert not list(folder.rglob("*.sqlite3"))  # nothing put into the shared folder


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize(
    ("query", "place"),
    [
        ("folding strips", "Research question"),  # the research question
        ("pizza diagrams", "Context"),  # what the group decided against
        ("NCETM", "Evidence consulted"),
        ("lower attaining", "Case pupils' learner groups"),
        ("bigger pieces", "Key points"),
        ("halves and quarters", "RL1 agreed changes"),
        ("pieces are bigger", "RL1 pupil interviews"),  # an interview quote
        ("note on C at stage 2", "RL1 notes, stage 2: Fraction wall"),
        ("Start with halves", "RL1 agreed changes"),
    ],
)
def test_search_finds_every_kind_of_text_and_says_where(
    folder: Path, index: Path, query: str, place: str
) -> None:
    with Library.open(folder, index) as library:
        library.sync()
        found = library.search(query)
    assert [f.study.title for f in found] == [FRACTIONS]
    places = [m.place for m in found[0].matches]
    all_places = found[0].places
    assert all_places >= 1
    with Library.open(folder, index) as library:
        every = library.search(query, per_study=100)[0].matches
    assert place in [m.place for m in every], places
    snippet = next(m.snippet for m in every if m.place == place)
    assert HIGHLIGHT_START in snippet and HIGHLIGHT_END in snippet


def test_every_word_must_be_found_and_words_are_stemmed(folder: Path, index: Path) -> None:
    with Library.open(folder, index) as library:
        library.sync()
        assert titles(library, "pupils") == [FRACTIONS, READING]
        assert titles(library, "evidence trembling") == [READING]
        assert titles(library, "infer") == [READING]  # "inference", "infer" share a stem
        assert titles(library, '"wrong guess"') == [READING]
        assert titles(library, '"guess wrong"') == []
        assert titles(library, "reciprocal zebra") == []


def test_the_best_match_comes_first(folder: Path, index: Path) -> None:
    with Library.open(folder, index) as library:
        library.sync()
        # "fractions" is in the title of one and nowhere in the other
        found = library.search("reading")
    assert found[0].study.title == READING


@pytest.mark.parametrize(
    "query",
    ['"', "*", "AND", "OR NOT", "(", "a:b", "-fold", "NEAR(a b)", "^x", "'", "fold*", "“curly”"],
)
def test_nothing_typed_is_read_as_search_syntax(folder: Path, index: Path, query: str) -> None:
    with Library.open(folder, index) as library:
        library.sync()
        library.search(query)  # never an error


def test_a_query_of_only_punctuation_finds_nothing() -> None:
    assert fts_query("?! -- ()") is None
    assert fts_query('fold "number line"') == '"fold" "number line"'
    assert fts_query("fold", prefix_last=True) == '"fold"*'


def test_search_as_you_type_matches_the_start_of_the_last_word(folder: Path, index: Path) -> None:
    with Library.open(folder, index) as library:
        library.sync()
        assert library.search("recipro") == []
        assert [f.study.title for f in library.search("recipro", prefix_last=True)] == [READING]


# --------------------------------------------------------------------------- filters


def test_filters_by_subject_year_group_school_year_and_status(folder: Path, index: Path) -> None:
    with Library.open(folder, index) as library:
        library.sync()
        assert titles(library, filters=Filters(subject="maths")) == [FRACTIONS]
        assert titles(library, filters=Filters(subject="MATHEMATICS")) == [FRACTIONS]
        assert titles(library, filters=Filters(subject="Eng")) == [READING]
        assert titles(library, filters=Filters(subject="science")) == []
        assert titles(library, filters=Filters(year_group="Y4")) == [FRACTIONS]
        assert titles(library, filters=Filters(year_group="year 6")) == [READING]
        assert titles(library, filters=Filters(year_group="6")) == [READING]
        assert titles(library, filters=Filters(school_year=2025)) == [READING]
        assert titles(library, filters=Filters(status="complete")) == [FRACTIONS]
        assert titles(library, filters=Filters(status="teaching")) == [READING]
        # Filters apply to search results too.
        assert titles(library, "pupils", Filters(subject="english")) == [READING]
        assert titles(library, "pupils", Filters(subject="maths", status="teaching")) == []


@pytest.mark.parametrize(
    ("typed", "start"), [("2025/26", 2025), ("2025-26", 2025), ("2025/2026", 2025)]
)
def test_school_years_as_teachers_write_them(typed: str, start: int) -> None:
    assert terms.parse_school_year(typed) == start


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2025", "say which school year: 2024/25 or 2025/26"),
        ("2025/27", "give a school year such as 2025/26"),
        ("next year", "give a school year such as 2025/26"),
    ],
)
def test_a_school_year_that_cannot_be_told_is_asked_about(typed: str, message: str) -> None:
    with pytest.raises(LessonStudyError, match=message):
        terms.parse_school_year(typed)


def test_school_years_run_from_september() -> None:
    assert terms.school_year_of(dt.date(2025, 8, 31)) == 2024
    assert terms.school_year_of(dt.date(2025, 9, 1)) == 2025
    assert terms.school_year_label(2025) == "2025/26"
    assert terms.school_year_label(1999) == "1999/00"


@pytest.mark.parametrize(
    ("typed", "key", "phase"),
    [
        ("Year 4", "Year 4", "primary"),
        ("Y4", "Year 4", "primary"),
        ("yr 10", "Year 10", "secondary"),
        ("12", "Year 12", "post-16"),
        ("Reception", "Reception", "early years"),
        ("Mixed KS2", "Mixed KS2", ""),
    ],
)
def test_year_groups_in_one_form(typed: str, key: str, phase: str) -> None:
    assert terms.year_group_key(typed) == key
    assert terms.phase(typed) == phase


# --------------------------------------------------------------------------- catching up


def _add_note(path: Path, text: str) -> None:
    with StudyFile.open(path) as study_file:
        study = study_file.load()
        lesson = study.lessons[0]
        study_file.add_note(
            Observation(
                lesson=lesson.number,
                observer="Ms Grey",
                at=dt.datetime(2025, 10, 7, 10, 20, tzinfo=ZONE),
                about="A",
                text=text,
                stage_id=lesson.stages[0].id if lesson.stages else None,
            )
        )


def test_an_edited_study_is_read_again(folder: Path, index: Path) -> None:
    reading = folder / "reading.lessonstudy"
    with Library.open(folder, index) as library:
        library.sync()
        assert library.search("quizzically") == []
        _add_note(reading, "She looked at the text quizzically")
        report = library.sync()
        assert (report.read, report.moved) == (1, 0)
        found = library.search("quizzically")
    assert [f.study.title for f in found] == [READING]
    assert found[0].matches[0].place == "RL1 notes, stage 1: Think-aloud model"


def test_a_change_still_in_the_write_ahead_log_is_seen(folder: Path, index: Path) -> None:
    """A study open in the app keeps its latest changes in its -wal file, the main
    file untouched: the library looks at both."""
    reading = folder / "reading.lessonstudy"
    with Library.open(folder, index) as library:
        library.sync()
        with StudyFile.open(reading) as held_open:  # the app, still running
            held_open.add_note(
                Observation(
                    lesson=1,
                    observer="Ms Grey",
                    at=dt.datetime(2025, 10, 7, 10, 21, tzinfo=ZONE),
                    about="B",
                    text="Pointed at the adverb 'reluctantly'",
                )
            )
            assert Path(f"{reading}-wal").exists()
            report = library.sync()
            assert report.read == 1
            assert titles(library, "reluctantly") == [READING]


def test_a_touched_but_unchanged_study_is_not_read_again(folder: Path, index: Path) -> None:
    with Library.open(folder, index) as library:
        library.sync()
        os.utime(folder / "reading.lessonstudy")  # a backup tool, an antivirus scan
        report = library.sync()
    assert (report.read, report.moved) == (0, 0)


def test_a_moved_and_renamed_study_is_the_same_study(folder: Path, index: Path) -> None:
    with Library.open(folder, index) as library:
        library.sync()
        (folder / "english" / "2025").mkdir(parents=True)
        (folder / "reading.lessonstudy").rename(folder / "english" / "2025" / "y6.lessonstudy")
        report = library.sync()
        assert (report.studies, report.read, report.moved, report.removed) == (2, 0, 1, 0)
        (found,) = library.search("trembling")
    assert found.study.path == "english/2025/y6.lessonstudy"
    assert found.study.copies == ()


def test_copies_of_one_study_are_one_study_with_its_copies(folder: Path, index: Path) -> None:
    original = folder / "reading.lessonstudy"
    laptop = folder / "laptops" / "ms-grey.lessonstudy"
    laptop.parent.mkdir()
    with StudyFile.open(original, read_only=True) as study_file:
        study_file.backup(laptop)
    with Library.open(folder, index) as library:
        report = library.sync()
        assert report.studies == 2
        (card,) = library.studies(Filters(subject="english"))
        assert [(c.path, c.same) for c in card.copies] == [
            (p, True)
            for p in sorted({"laptops/ms-grey.lessonstudy", "reading.lessonstudy"} - {card.path})
        ]
        # The observer's laptop gets a note the shared copy does not have: it holds
        # the most now, so it is the copy read, and the other differs.
        _add_note(laptop, "Whispered the answer to a partner")
        assert library.sync().read == 1
        (card,) = library.studies(Filters(subject="english"))
        assert card.path == "laptops/ms-grey.lessonstudy"
        assert [(c.path, c.same) for c in card.copies] == [("reading.lessonstudy", False)]
        assert titles(library, "whispered") == [READING]
        # The laptop's copy is deleted: the study is still there, read from the other.
        laptop.unlink()
        report = library.sync()
        assert (report.studies, report.removed, report.read) == (2, 0, 1)
        (card,) = library.studies(Filters(subject="english"))
        assert (card.path, card.copies) == ("reading.lessonstudy", ())
        assert titles(library, "whispered") == []


def test_a_deleted_study_leaves_the_library(folder: Path, index: Path) -> None:
    with Library.open(folder, index) as library:
        library.sync()
        (folder / "reading.lessonstudy").unlink()
        report = library.sync()
        assert (report.studies, report.removed) == (1, 1)
        assert titles(library) == [FRACTIONS]
        assert library.search("trembling") == []


def test_a_new_study_joins_the_library(folder: Path, index: Path) -> None:
    with Library.open(folder, index) as library:
        library.sync()
        study = reading_study()
        study.overview.title = "Inference, again"
        write_study(folder / "new" / "again.lessonstudy", study)
        report = library.sync()
        assert (report.studies, report.read) == (3, 1)
        assert "Inference, again" in titles(library)


# ------------------------------------------------------------------- files that cannot be read


def _damage(path: Path) -> None:
    """Overwrite a page in the middle of the file: SQLite's quick check finds it."""
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 2 : page * 3] = b"\xff" * page
    path.write_bytes(bytes(data))


def test_damaged_and_foreign_files_are_reported_and_skipped(folder: Path, index: Path) -> None:
    (folder / "notes.lessonstudy").write_text("this is not a study")
    sqlite3.connect(folder / "other.lessonstudy").execute("CREATE TABLE t (x)").connection.close()
    broken = folder / "broken.lessonstudy"
    shutil.copy(folder / "reading.lessonstudy", broken)
    _damage(broken)
    with Library.open(folder, index) as library:
        report = library.sync()
        assert report.studies == 2
        problems = {p.path: p.message for p in report.problems}
        assert set(problems) == {"notes.lessonstudy", "other.lessonstudy", "broken.lessonstudy"}
        assert problems["notes.lessonstudy"] == "not a study file (not an SQLite database)"
        assert "not a lessonstudy study file" in problems["other.lessonstudy"]
        assert problems["broken.lessonstudy"].startswith("damaged study file")
        assert library.problems() == list(report.problems)
        # Looked at again only when it changes; still reported every time.
        again = library.sync()
        assert again.problems == report.problems and again.read == 0


def test_a_file_made_by_a_newer_version_is_reported(folder: Path, index: Path) -> None:
    newer = folder / "newer.lessonstudy"
    shutil.copy(folder / "reading.lessonstudy", newer)
    con = sqlite3.connect(newer)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with Library.open(folder, index) as library:
        (problem,) = library.sync().problems
    assert problem.path == "newer.lessonstudy"
    assert "made by a newer lessonstudy" in problem.message


def test_a_study_that_becomes_damaged_leaves_and_comes_back_when_mended(
    folder: Path, index: Path, tmp_path: Path
) -> None:
    reading = folder / "reading.lessonstudy"
    good = tmp_path / "good-copy.lessonstudy"
    shutil.copy(reading, good)
    with Library.open(folder, index) as library:
        library.sync()
        _damage(reading)
        report = library.sync()
        assert [p.path for p in report.problems] == ["reading.lessonstudy"]
        assert titles(library) == [FRACTIONS]
        shutil.copy(good, reading)  # restored from a backup
        report = library.sync()
        assert (report.problems, report.read) == ((), 1)
        assert titles(library) == [FRACTIONS, READING]


def test_the_damaged_copy_of_a_study_is_skipped_for_a_sound_one(folder: Path, index: Path) -> None:
    copy = folder / "copy.lessonstudy"
    shutil.copy(folder / "reading.lessonstudy", copy)
    os.utime(copy, ns=(0, 10**18))  # the newest: it would be the one read
    with Library.open(folder, index) as library:
        library.sync()
        _damage(copy)
        os.utime(copy, ns=(0, 10**18 + 1))
        report = library.sync()
        assert [p.path for p in report.problems] == ["copy.lessonstudy"]
        assert titles(library, "trembling") == [READING]


# --------------------------------------------------------------------------- never touching a study


def test_the_library_never_writes_into_a_study(folder: Path, index: Path) -> None:
    before = fingerprint(folder)
    with Library.open(folder, index) as library:
        library.sync()
        library.search("evidence")
        library.studies(Filters(subject="maths"))
        library.facts()
    assert fingerprint(folder) == before  # same files, same bytes, same times


# --------------------------------------------------------------------------- privacy


def _index_bytes(index: Path) -> bytes:
    data = index.read_bytes()
    wal = Path(f"{index}-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def test_no_pseudonym_or_private_text_is_ever_indexed(folder: Path, index: Path) -> None:
    with Library.open(folder, index) as library:
        library.sync()
        text = "\n".join(library.all_text())
        for secret in SECRETS:
            assert secret.casefold() not in text.casefold(), secret
        # Nor among the words the full-text index keeps (its own copies of the terms) ...
        con = sqlite3.connect(index)
        con.execute("CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, 'part', 'row')")
        words = {term for (term,) in con.execute("SELECT term FROM temp.words")}
        con.close()
        assert "strip" in words and "fraction" in words  # (stemmed: the index is read)
        for secret in SECRETS:
            for word in secret.casefold().replace("-", " ").split():
                if word not in ("on", "lives", "street", "private", "note"):
                    assert word not in words, word
        # ... nor anywhere in the file's bytes.
        raw = _index_bytes(index).lower()
        for secret in SECRETS:
            assert secret.casefold().encode() not in raw, secret
            # the FTS term lists hold words lower-cased, each on its own
            for word in secret.split():
                if len(word) > 3 and word.isalpha() and word[0].isupper():
                    assert word.casefold().encode() not in raw, word


def test_a_name_typed_into_a_note_is_masked_as_the_pupils_label(folder: Path, index: Path) -> None:
    with Library.open(folder, index) as library:
        library.sync()
        (found,) = library.search("strip shows halves")
        every = library.search("strip shows halves", per_study=50)[0].matches
    note = next(m.snippet for m in every if m.place.startswith("RL1 notes, stage 1"))
    plain = note.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")
    assert "told [pupil A] the strip shows halves; [withheld] agreed" in plain
    assert found.study.title == FRACTIONS


def test_searching_for_a_pseudonym_or_a_real_name_finds_nothing(folder: Path, index: Path) -> None:
    with Library.open(folder, index) as library:
        library.sync()
        for secret in [REAL_NAME, OTHER_PRIVATE, *READING_PSEUDONYMS.values(), "Maya", "Elm"]:
            assert library.search(secret) == [], secret


def test_a_pseudonym_that_is_a_single_letter_is_left_alone() -> None:
    """A one-letter pseudonym is no name; masking it would mask every "a"."""
    from lessonstudy.archive.extract import Masker

    study = reading_study()
    study.pupils[0].pseudonym = "a"
    mask = Masker(study, None)
    assert mask("Fenwick read a page") == "[pupil B] read a page"


# --------------------------------------------------------------------------- the index itself


def test_a_damaged_index_of_ours_is_rebuilt(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LESSONSTUDY_DATA_DIR", str(tmp_path / "data"))
    with Library.open(folder) as library:
        library.sync()
        where = library.index
    where.write_bytes(b"garbage" * 1000)
    with Library.open(folder) as library:
        assert library.sync().read == 2


def test_an_index_file_that_is_not_an_index_is_refused(folder: Path, tmp_path: Path) -> None:
    study = folder / "reading.lessonstudy"
    before = fingerprint(folder)
    with pytest.raises(LessonStudyError, match="not a library index"):
        Library.open(folder, study)
    other = tmp_path / "someone-elses.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE precious (x)").connection.close()
    with pytest.raises(LessonStudyError, match="not a library index"):
        Library.open(folder, other)
    assert fingerprint(folder) == before
    assert sqlite3.connect(other).execute("SELECT count(*) FROM precious").fetchone() == (0,)


def test_the_index_of_one_folder_is_not_used_for_another(
    folder: Path, index: Path, tmp_path: Path
) -> None:
    with Library.open(folder, index) as library:
        library.sync()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with pytest.raises(LessonStudyError, match="the index of another folder"):
        Library.open(elsewhere, index)


def test_a_folder_that_is_not_there_is_said_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(LessonStudyError, match="no such folder"):
        Library.open(tmp_path / "nowhere")
    (tmp_path / "file").write_text("x")
    with pytest.raises(LessonStudyError, match="not a folder"):
        Library.open(tmp_path / "file")


def test_an_interrupted_first_look_keeps_what_it_read(
    folder: Path, index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lessonstudy.archive import index as index_module

    monkeypatch.setattr(index_module, "BATCH", 1)
    calls = 0

    def stop_after_one(done: int, total: int) -> None:
        nonlocal calls
        calls += 1
        if done == 1:
            raise KeyboardInterrupt

    with Library.open(folder, index) as library, pytest.raises(KeyboardInterrupt):
        library.sync(progress=stop_after_one)
    with Library.open(folder, index) as library:
        assert len(library.studies()) == 1
        report = library.sync()
        assert (report.studies, report.read) == (2, 1)


def test_private_words_saved_later_leave_the_index(folder: Path, index: Path) -> None:
    """The group adds a real name to its private words after the study was indexed:
    the study's stamp changes, it is read again, and the name is gone."""
    reading = folder / "reading.lessonstudy"
    _add_note(reading, "Sat next to Ignatius all lesson")
    with Library.open(folder, index) as library:
        library.sync()
        assert titles(library, "Ignatius") == [READING]
        from lessonstudy.model import PrivateWord, PrivateWords

        with StudyFile.open(reading) as study_file:
            study_file.save(documents.PRIVATE_WORDS, PrivateWords([PrivateWord("Ignatius")]), None)
        assert library.sync().read == 1
        assert titles(library, "Ignatius") == []
        assert "ignatius" not in "\n".join(library.all_text()).casefold()


def test_other_private_words_stay_out(folder: Path, index: Path) -> None:
    assert OTHER_PRIVATE not in "\n".join(_texts(folder, index))


def _texts(folder: Path, index: Path) -> list[str]:
    with Library.open(folder, index) as library:
        library.sync()
        return list(library.all_text())


def test_two_processes_share_one_index(folder: Path, tmp_path: Path, monkeypatch) -> None:
    """Seen: the library screen's worker opened the index a second time while the header
    of the new file was still in its write-ahead log, took it for someone else's file
    and made a new one: the screen's own connection then never saw a study."""
    monkeypatch.setenv("LESSONSTUDY_DATA_DIR", str(tmp_path / "data"))
    with Library.open(folder) as screen, Library.open(folder) as worker:
        assert worker.sync().studies == 2
        assert titles(screen) == [FRACTIONS, READING]


def test_common_words_narrow_nothing_and_are_left_out_unless_quoted() -> None:
    assert fts_query("explained the idea") == '"explained" "idea"'
    assert fts_query('"explained the idea"') == '"explained the idea"'
    assert fts_query("the") == '"the"'  # all there is
    assert fts_query("explained th", prefix_last=True) == '"explained" "th"*'


def test_a_study_is_found_by_its_file_name(folder: Path, index: Path) -> None:
    """Seen when trying it: a deputy head typed part of a file name ("lapt", for the
    copy on a laptop) and the library found nothing."""
    with Library.open(folder, index) as library:
        library.sync()
        (found,) = library.search("fractions lesson")  # maths/fractions.lessonstudy
    assert found.study.title == FRACTIONS
    assert found.matches[-1].place == "File"
    assert found.matches[-1].snippet == (
        f"maths/{HIGHLIGHT_START}fractions{HIGHLIGHT_END}.{HIGHLIGHT_START}lesson{HIGHLIGHT_END}study"
    )
    with Library.open(folder, index) as library:
        # no study holds the word "lessonstudy": found by the file name alone
        (found,) = library.search("fractions.lessonstudy")
        assert [m.place for m in found.matches] == ["File"]
        assert library.search("fractions.lessonstudy", Filters(subject="english")) == []


def test_an_index_of_an_older_format_is_made_again(
    folder: Path, index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lessonstudy.archive import index as index_module

    with Library.open(folder, index) as library:
        library.sync()
    monkeypatch.setattr(index_module, "INDEX_FORMAT", index_module.INDEX_FORMAT + 1)
    with Library.open(folder, index) as library:
        assert library.studies() == []  # nothing kept from the old format ...
        assert library.sync().read == 2  # ... every study read again
        assert titles(library, "trembling") == [READING]
