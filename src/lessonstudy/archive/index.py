"""The library's index: every study under a folder, in one SQLite file with FTS5.

The index is a cache of what the studies hold, kept right by itself: each
look at the folder (`Library.sync`) compares every study file's size and
modification time (its -wal file's too: a study open in the app has its
latest changes there) with what was indexed, and opens only the files that
changed, read-only, to compare the study's own stamp (store.summary: it
changes with every write). Only a study whose stamp changed is read again.

- A study is known by its id, not its path: a moved or renamed file is the
  same study (nothing is read again), and copies of one study (observers'
  laptops, backups) are one study with its copies. The copy holding the most
  is the one read; the others are listed, saying whether they hold the same.
- A file that cannot be read (damaged, not a study, made by a newer version)
  is reported and skipped, and looked at again only when it changes.
- Nothing is ever written into a study. The index itself lives in the user's
  data folder (one per folder), or wherever `index_path` says.

Standard library only: searching an index that is up to date imports
neither the model nor the process (`extract` is imported to read a study).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from lessonstudy import terms
from lessonstudy.errors import LessonStudyError
from lessonstudy.store.connection import write_transaction

SQLITE_HEADER = b"SQLite format 3\x00"  # (as lessonstudy.files has it; not imported: slow)

if TYPE_CHECKING:
    from lessonstudy.archive.extract import Extract

SUFFIX = ".lessonstudy"
APPLICATION_ID = 0x4C534C62  # "LSLb": a library index, not a study
INDEX_FORMAT = 3  # bump when what is indexed changes: an older index is rebuilt
PARTS_PER_STUDY = 1 << 10  # a part's rowid is (study's sid << 10) | n
SCREEN_LIMIT = 100  # results the library screen lists while a person types
ONE_PASS = 250  # studies matched: up to this many, their places are found in one pass
BATCH = 25  # studies read between commits: an interrupted first indexing keeps its work

_SCHEMA = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # One row per study (by its id); `path` is the copy it was read from.
    """CREATE TABLE study (
        sid         INTEGER PRIMARY KEY,
        study_id    TEXT NOT NULL UNIQUE,
        path        TEXT NOT NULL,
        stamp       TEXT NOT NULL,
        title       TEXT NOT NULL,
        subject     TEXT NOT NULL,
        year_group  TEXT NOT NULL,
        school_year INTEGER,
        first_date  TEXT,
        status      TEXT NOT NULL,
        card        TEXT NOT NULL,
        facts       TEXT NOT NULL
    )""",
    # Every study file under the folder, by its path relative to the folder.
    """CREATE TABLE copy (
        path      TEXT PRIMARY KEY,
        study_id  TEXT NOT NULL,
        signature TEXT NOT NULL,
        stamp     TEXT NOT NULL,
        amount    INTEGER NOT NULL,
        mtime_ns  INTEGER NOT NULL
    )""",
    "CREATE INDEX copy_study ON copy (study_id)",
    "CREATE TABLE problem (path TEXT PRIMARY KEY, signature TEXT NOT NULL, message TEXT NOT NULL)",
    """CREATE VIRTUAL TABLE part USING fts5(
        text, place UNINDEXED, weight UNINDEXED,
        tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3 4 5 6'
    )""",
    # The same text, one row per study (rowid = sid): a search ranks studies here
    # (a thousand rows at most) before it looks for the places in `part`. `head`
    # holds what a study is about (title, focus, question, findings: weight > 1).
    """CREATE VIRTUAL TABLE study_text USING fts5(
        head, body, tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3 4 5 6'
    )""",
]
HEAD_WEIGHT = 3.0  # a match in what a study is about counts three times one in its notes

# How much a copy holds (the most complete copy is the one read).
_AMOUNT_SQL = """
SELECT (SELECT coalesce(sum(revision), 0) FROM document)
     + (SELECT count(*) FROM note) + (SELECT count(*) FROM stage_mark)
"""


# --------------------------------------------------------------------------- what a sync finds


class Problem(NamedTuple):
    path: str  # relative to the folder
    message: str  # one line: what is wrong


class SyncReport(NamedTuple):
    studies: int  # studies in the library after the look
    read: int  # studies read (new or changed)
    moved: int  # studies now read from another path, nothing read again
    removed: int  # studies no longer in the folder
    problems: tuple[Problem, ...]

    def summary(self) -> str:
        parts = [f"{self.studies} {'study' if self.studies == 1 else 'studies'}"]
        if self.read:
            parts.append(f"{self.read} read")
        if self.moved:
            parts.append(f"{self.moved} moved")
        if self.removed:
            parts.append(f"{self.removed} gone")
        if self.problems:
            parts.append(f"{len(self.problems)} skipped")
        return ", ".join(parts)


class Filters(NamedTuple):
    subject: str = ""
    year_group: str = ""
    school_year: int | None = None
    status: str = ""

    def __bool__(self) -> bool:
        return bool(self.subject or self.year_group or self.school_year is not None or self.status)

    def words(self) -> str:
        shown = []
        if self.subject:
            shown.append(f"subject {self.subject}")
        if self.year_group:
            shown.append(terms.year_group_key(self.year_group))
        if self.school_year is not None:
            shown.append(f"school year {terms.school_year_label(self.school_year)}")
        if self.status:
            shown.append(self.status)
        return ", ".join(shown)


class Copy(NamedTuple):
    path: str
    same: bool  # holds the same as the copy the library read
    mtime_ns: int


class StudyCard(NamedTuple):
    """One study as the library lists it."""

    sid: int
    study_id: str
    path: str  # the copy read (relative to the folder)
    card: dict[str, Any]
    copies: tuple[Copy, ...]  # the other copies

    @property
    def title(self) -> str:
        return str(self.card["title"])


class Match(NamedTuple):
    place: str  # where the match is: "Focus", "RL2 notes, stage 3: Fraction wall"
    snippet: str  # the text around it; the matched words between \x02 and \x03


class Found(NamedTuple):
    study: StudyCard
    matches: tuple[Match, ...]  # the best places first
    places: int  # how many places match in all


HIGHLIGHT_START, HIGHLIGHT_END = "\x02", "\x03"


# --------------------------------------------------------------------------- where the index is


def default_index_path(folder: Path) -> Path:
    """The folder's index in the user's data folder (one per folder, by its full path)."""
    from lessonstudy.resources import user_data_dir

    folder = folder.resolve()
    # A checksum of the full path tells apart folders of the same name (zlib, not
    # hashlib: importing OpenSSL costs the search command milliseconds). The index
    # records its folder, so a clash is caught and that index made again.
    digest = f"{zlib.crc32(str(folder).encode('utf-8', 'surrogateescape')):08x}"
    slug = re.sub(r"[^A-Za-z0-9]+", "-", folder.name).strip("-")[:40] or "folder"
    return user_data_dir() / "library" / f"{slug}-{digest}.sqlite3"


def scan(folder: Path) -> dict[str, tuple[str, int]]:
    """Every study file under `folder`: relative path -> (signature, mtime_ns).

    Hidden folders and files (a study's partial file while it is written) are
    left out; links to folders are not followed (a loop cannot trap the scan).
    One listing and one stat a file (two with a -wal file): a look at a thousand
    studies costs a few tens of milliseconds."""
    found: dict[str, tuple[str, int]] = {}
    pending = [(str(folder), "")]
    while pending:
        directory, prefix = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = [e for e in listing if not e.name.startswith(".")]
        except OSError:
            continue  # unreadable or gone: nothing to index there
        names = {e.name for e in entries}
        for entry in entries:
            name = entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{prefix}{name}/"))
                    continue
                if not name.lower().endswith(SUFFIX) or not entry.is_file():
                    continue
                info = entry.stat()
            except OSError:
                continue  # gone since the folder was listed
            signature = f"{info.st_size}:{info.st_mtime_ns}"
            if f"{name}-wal" in names:
                wal = _stat_or_none(f"{entry.path}-wal")
                if wal is not None:
                    signature += f":{wal.st_size}:{wal.st_mtime_ns}"
            found[f"{prefix}{name}"] = (signature, info.st_mtime_ns)
    return found


def _stat_or_none(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


class _Probe(NamedTuple):
    study_id: str
    stamp: str
    amount: int


def probe(path: Path) -> _Probe:
    """A study file's id and stamp, read-only, without loading the model."""
    from lessonstudy.store import summary
    from lessonstudy.store.connection import check_readable, connect, damaged
    from lessonstudy.store.damage import integrity_problem

    check_readable(path)
    con = connect(path, read_only=True)
    try:
        problem = integrity_problem(con, thorough=False)  # reading it whole does the rest
        if problem:
            raise LessonStudyError(f"{path}: damaged study file ({problem})")
        con.execute("BEGIN")
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'study_id'").fetchone()
            stamp = summary.stamp(con)
            amount = con.execute(_AMOUNT_SQL).fetchone()[0]
        finally:
            con.execute("COMMIT")
    except sqlite3.DatabaseError as error:
        raise damaged(path, error) from None
    finally:
        con.close()
    if row is None:
        raise LessonStudyError(f"{path}: damaged study file (it has no study id)")
    return _Probe(row[0], stamp, amount)


# --------------------------------------------------------------------------- the library


class Library:
    """The studies under one folder, through its index. Use as a context manager."""

    def __init__(self, folder: Path, index: Path, con: sqlite3.Connection) -> None:
        self.folder = folder
        self.index = index
        self._con = con

    @classmethod
    def open(cls, folder: Path, index: Path | None = None) -> Library:
        folder = Path(folder).expanduser()
        if not folder.exists():
            raise LessonStudyError(f"{folder}: no such folder")
        if not folder.is_dir():
            raise LessonStudyError(f"{folder}: not a folder (give the folder the studies are in)")
        folder = folder.resolve()
        chosen = Path(index).expanduser() if index is not None else default_index_path(folder)
        con = _open_index(chosen, folder, own=index is None)
        return cls(folder, chosen, con)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ keeping it right

    def sync(self, progress: Callable[[int, int], None] | None = None) -> SyncReport:
        """Look at the folder and bring the index up to date; `progress(done, total)`
        is called as studies are read."""
        con = self._con
        found = scan(self.folder)
        copies = {
            row[0]: row
            for row in con.execute(
                "SELECT path, study_id, signature, stamp, amount, mtime_ns FROM copy"
            )
        }
        known_problems = {
            path: (signature, message)
            for path, signature, message in con.execute(
                "SELECT path, signature, message FROM problem"
            )
        }
        unchanged = len(found) == len(copies) + len(known_problems) and all(
            (path in copies and copies[path][2] == signature)
            or (path in known_problems and known_problems[path][0] == signature)
            for path, (signature, _mtime) in found.items()
        )
        if unchanged:  # what every search finds first, usually: nothing to do
            studies = con.execute("SELECT count(*) FROM study").fetchone()[0]
            problems_now = tuple(Problem(p, m) for p, (_s, m) in sorted(known_problems.items()))
            return SyncReport(studies, 0, 0, 0, problems_now)
        # path -> (study_id, signature, stamp, amount, mtime_ns) for every readable copy now
        now: dict[str, tuple[str, str, str, int, int]] = {}
        problems: dict[str, tuple[str, str]] = {}
        probed_paths: set[str] = set()  # copies looked into: their rows are written
        for path, (signature, mtime_ns) in found.items():
            known = copies.get(path)
            if known is not None and known[2] == signature:
                now[path] = (known[1], signature, known[3], known[4], mtime_ns)
                continue
            probed_paths.add(path)
            problem = known_problems.get(path)
            if problem is not None and problem[0] == signature:
                problems[path] = problem
                continue
            try:
                probed = probe(self.folder / path)
            except LessonStudyError as error:
                problems[path] = (signature, _relative(str(error), self.folder, path))
                continue
            now[path] = (probed.study_id, signature, probed.stamp, probed.amount, mtime_ns)
        by_study: dict[str, list[str]] = {}
        for path, (study_id, *_rest) in now.items():
            by_study.setdefault(study_id, []).append(path)
        indexed = {
            study_id: (sid, path, stamp)
            for sid, study_id, path, stamp in con.execute(
                "SELECT sid, study_id, path, stamp FROM study"
            )
        }
        # What each study needs: nothing, a new path (same content), or reading.
        to_read: list[tuple[str, list[str]]] = []
        moved: list[tuple[str, str, str]] = []  # (study_id, path, stamp)
        for study_id, paths in by_study.items():
            # The copy that holds the most; of copies that hold as much, the oldest (the
            # original, not a backup made of it or the copy on an observer's laptop).
            paths.sort(key=lambda p: (-now[p][3], now[p][4], p))
            best = paths[0]
            held = indexed.get(study_id)
            if held is not None and held[2] == now[best][2]:
                if held[1] != best:
                    # Moved, renamed, or the best copy is another with the same content.
                    same = [p for p in paths if now[p][2] == held[2]]
                    moved.append((study_id, held[1] if held[1] in same else same[0], held[2]))
                continue
            to_read.append((study_id, paths))
        gone = [study_id for study_id in indexed if study_id not in by_study]
        read = 0
        reading = {study_id for study_id, _paths in to_read}
        gone_paths = [path for path in copies if path not in now]
        new_copies = [
            (path, *now[path])
            for path in probed_paths
            if path in now and now[path][0] not in reading
        ]
        if gone_paths or new_copies or gone or moved or problems != known_problems:
            with write_transaction(con):
                # The copies of a study to read are written with it: if the reading is
                # interrupted, the next look finds them unknown and reads them again.
                con.executemany("DELETE FROM copy WHERE path = ?", [(p,) for p in gone_paths])
                con.executemany("INSERT OR REPLACE INTO copy VALUES (?, ?, ?, ?, ?, ?)", new_copies)
                con.execute("DELETE FROM problem")
                con.executemany(
                    "INSERT INTO problem VALUES (?, ?, ?)",
                    [(path, sig, message) for path, (sig, message) in problems.items()],
                )
                for study_id in gone:
                    self._remove(indexed[study_id][0])
                con.executemany(
                    "UPDATE study SET path = ?, stamp = ? WHERE study_id = ?",
                    [(path, stamp, study_id) for study_id, path, stamp in moved],
                )
        total = len(to_read)
        if progress is not None and total:
            progress(0, total)
        for start in range(0, total, BATCH):
            batch = to_read[start : start + BATCH]
            results = [self._read_best(paths, now, problems) for _study_id, paths in batch]
            with write_transaction(con):
                for (study_id, paths), result in zip(batch, results, strict=True):
                    con.executemany(
                        "INSERT OR REPLACE INTO copy VALUES (?, ?, ?, ?, ?, ?)",
                        [(path, *now[path]) for path in paths if path not in problems],
                    )
                    for path in paths:
                        if path in problems:
                            con.execute(
                                "INSERT OR REPLACE INTO problem VALUES (?, ?, ?)",
                                (path, *problems[path]),
                            )
                    held = indexed.get(study_id)
                    if result is None:
                        if held is not None:
                            self._remove(held[0])
                        continue
                    path, extract = result
                    self._store(held[0] if held else None, path, extract)
                    read += 1
            if progress is not None:
                progress(min(start + BATCH, total), total)
        studies = con.execute("SELECT count(*) FROM study").fetchone()[0]
        return SyncReport(
            studies,
            read,
            len(moved),
            len(gone),
            tuple(Problem(path, message) for path, (_sig, message) in sorted(problems.items())),
        )

    def _read_best(
        self,
        paths: list[str],
        now: dict[str, tuple[str, str, str, int, int]],
        problems: dict[str, tuple[str, str]],
    ) -> tuple[str, Extract] | None:
        """Read the copy that holds the most; if it cannot be read, the next one."""
        from lessonstudy.archive.extract import read_study

        for path in paths:
            try:
                return path, read_study(self.folder / path)
            except LessonStudyError as error:
                problems[path] = (now[path][1], _relative(str(error), self.folder, path))
        return None

    def _remove(self, sid: int) -> None:
        con = self._con
        con.execute("DELETE FROM study WHERE sid = ?", (sid,))
        con.execute("DELETE FROM study_text WHERE rowid = ?", (sid,))
        con.execute(
            "DELETE FROM part WHERE rowid BETWEEN ? AND ?",
            (sid * PARTS_PER_STUDY, (sid + 1) * PARTS_PER_STUDY - 1),
        )

    def _store(self, sid: int | None, path: str, extract: Extract) -> None:
        con = self._con
        card = extract.card
        # The study keeps its sid (and its parts' rowids); looked up again inside the
        # transaction, as another look at the folder may have stored it meanwhile.
        row = con.execute(
            "SELECT sid FROM study WHERE study_id = ?", (extract.study_id,)
        ).fetchone()
        sid = row[0] if row is not None else sid
        if sid is not None:
            self._remove(sid)
        cursor = con.execute(
            "INSERT INTO study (sid, study_id, path, stamp, title, subject, year_group,"
            " school_year, first_date, status, card, facts)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sid,
                extract.study_id,
                path,
                extract.stamp,
                card["title"],
                card["subject"],
                card["year_group"],
                card["school_year"],
                card["first_date"],
                card["status"],
                json.dumps(card, ensure_ascii=False),
                json.dumps(extract.facts, ensure_ascii=False),
            ),
        )
        new_sid = cursor.lastrowid if sid is None else sid
        assert new_sid is not None
        parts = extract.parts[: PARTS_PER_STUDY - 1]
        con.executemany(
            "INSERT INTO part (rowid, text, place, weight) VALUES (?, ?, ?, ?)",
            [
                (new_sid * PARTS_PER_STUDY + n, part.text, part.place, part.weight)
                for n, part in enumerate(parts)
            ],
        )
        con.execute(
            "INSERT INTO study_text (rowid, head, body) VALUES (?, ?, ?)",
            (
                new_sid,
                "\n".join(part.text for part in parts if part.weight > 1),
                "\n".join(part.text for part in parts if part.weight <= 1),
            ),
        )

    # ------------------------------------------------------------------ reading the index

    def problems(self) -> list[Problem]:
        rows = self._con.execute("SELECT path, message FROM problem ORDER BY path")
        return [Problem(path, message) for path, message in rows]

    def studies(self, filters: Filters | None = None) -> list[StudyCard]:
        """Every study that passes `filters`: the newest school year first, then by date."""
        return self._cards(self._passing(filters))

    def study(self, study_id: str) -> StudyCard | None:
        row = self._con.execute("SELECT sid FROM study WHERE study_id = ?", (study_id,)).fetchone()
        cards = self._cards([row[0]]) if row else []
        return cards[0] if cards else None

    def _passing(self, filters: Filters | None) -> list[int]:
        """The sids of the studies that pass `filters`, in the library's order."""
        rows = self._con.execute(
            "SELECT sid, subject, year_group, school_year, status FROM study"
            " ORDER BY school_year IS NULL, school_year DESC, first_date DESC,"
            " title COLLATE NOCASE"
        ).fetchall()
        return [row[0] for row in rows if _passes(filters, *row[1:])]

    def _cards(self, sids: list[int]) -> list[StudyCard]:
        if not sids:
            return []
        marks = ",".join("?" * len(sids))
        rows = {
            row[0]: row
            for row in self._con.execute(
                f"SELECT sid, study_id, path, stamp, card FROM study WHERE sid IN ({marks})", sids
            )
        }
        ids = [row[1] for row in rows.values()]
        copies: dict[str, list[tuple[str, str, int]]] = {}
        for path, study_id, stamp, mtime_ns in self._con.execute(
            f"SELECT path, study_id, stamp, mtime_ns FROM copy WHERE study_id IN ({marks})"
            " ORDER BY path",
            ids,
        ):
            copies.setdefault(study_id, []).append((path, stamp, mtime_ns))
        return [_card(rows[sid], copies.get(rows[sid][1], [])) for sid in sids if sid in rows]

    def facts(self, filters: Filters | None = None) -> list[tuple[StudyCard, dict[str, Any]]]:
        """Each study that passes `filters` with the facts the impact summary is built from."""
        cards = self.studies(filters)
        rows = self._con.execute("SELECT sid, facts FROM study").fetchall()
        by_sid = {sid: facts for sid, facts in rows}
        return [(card, json.loads(by_sid[card.sid])) for card in cards]

    def search(
        self,
        query: str,
        filters: Filters | None = None,
        *,
        limit: int = 50,
        per_study: int = 3,
        prefix_last: bool = False,
    ) -> list[Found]:
        """The studies that match `query` (every word, in any of their parts), best
        first, each with the places it matches and the words around each match."""
        match = fts_query(query, prefix_last=prefix_last)
        if match is None:
            return []
        con = self._con
        try:
            # Rank the studies first (one row each), then find each one's places.
            ranked = con.execute(
                "SELECT rowid FROM study_text WHERE study_text MATCH ?"
                " ORDER BY bm25(study_text, ?, 1.0)",
                (match, HEAD_WEIGHT),
            ).fetchall()
        except sqlite3.OperationalError as error:  # a query FTS5 cannot parse
            raise LessonStudyError(f"cannot search for {query!r} ({error})") from None
        allowed = set(self._passing(filters)) if filters else None
        by_file = self._file_matches(query)
        # Where each study matches: for a few studies, every matching place in one
        # pass; for many (a common word), study by study until the list is full.
        every: dict[int, list[tuple[float, int]]] | None = None
        if len(ranked) <= ONE_PASS:
            every = {}
            for rowid, weight in con.execute(
                "SELECT rowid, weight FROM part WHERE part MATCH ?", (match,)
            ):
                every.setdefault(rowid // PARTS_PER_STUDY, []).append((-weight, rowid))
        chosen: list[tuple[int, list[int], int]] = []  # (sid, rowids to show, places)
        for (sid,) in ranked:
            if allowed is not None and sid not in allowed:
                continue
            # Every word must be in one place (a note, the focus ...), not just
            # somewhere in the study: a study with no such place is no match.
            if every is not None:
                rowids = [rowid for _w, rowid in sorted(every.get(sid, []))]
            else:
                rowids = [
                    rowid
                    for (rowid,) in con.execute(
                        "SELECT rowid FROM part WHERE part MATCH ? AND rowid BETWEEN ? AND ?"
                        " ORDER BY weight DESC, rowid",
                        (match, sid * PARTS_PER_STUDY, (sid + 1) * PARTS_PER_STUDY - 1),
                    )
                ]
            if rowids:
                chosen.append((sid, rowids[:per_study], len(rowids)))
            if len(chosen) >= limit:
                break
        cards = {card.sid: card for card in self._cards([sid for sid, _r, _n in chosen])}
        shown = [rowid for _sid, rowids, _n in chosen for rowid in rowids]
        snippets = {
            rowid: Match(place, _one_line(text))
            for rowid, place, text in con.execute(
                "SELECT rowid, place, snippet(part, 0, char(2), char(3), '…', 14) FROM part"
                f" WHERE part MATCH ? AND rowid IN ({','.join('?' * len(shown))})",
                (match, *shown),
            )
        }
        results = []
        for sid, rowids, places in chosen:
            card = cards.get(sid)
            if card is None:
                continue
            matches = [snippets[rowid] for rowid in rowids if rowid in snippets]
            named = by_file.pop(card.study_id, None)
            if named is not None:
                matches.append(named)
            results.append(Found(card, tuple(matches), places + (named is not None)))
        # Studies found by their file's name alone ("where did I put that plan?").
        for study_id, named in by_file.items():
            if len(results) >= limit:
                break
            card = self.study(study_id)
            if card is not None and (allowed is None or card.sid in allowed):
                results.append(Found(card, (named,), 1))
        return results

    def _file_matches(self, query: str) -> dict[str, Match]:
        """Studies a copy of which has every word of `query` in its path (as typed:
        the start of a word is enough), with the path, the words marked."""
        words = [w.lower() for w in _TOKEN.findall(query)]
        if not words:
            return {}
        found: dict[str, Match] = {}
        likes = " AND ".join("path LIKE ? ESCAPE '\\'" for _w in words)
        patterns = [
            "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            for w in words
        ]
        for path, study_id in self._con.execute(
            f"SELECT path, study_id FROM copy WHERE {likes} ORDER BY path", patterns
        ):
            if study_id not in found:
                marked = re.sub(
                    "(" + "|".join(re.escape(w) for w in words) + ")",
                    lambda m: f"{HIGHLIGHT_START}{m.group(0)}{HIGHLIGHT_END}",
                    path,
                    flags=re.IGNORECASE,
                )
                found[study_id] = Match("File", marked)
        return found

    def matches(
        self, query: str, study_id: str, *, limit: int = 12, prefix_last: bool = False
    ) -> tuple[Match, ...]:
        """Every place (up to `limit`) one study matches `query`, best first."""
        match = fts_query(query, prefix_last=prefix_last)
        row = self._con.execute("SELECT sid FROM study WHERE study_id = ?", (study_id,)).fetchone()
        if match is None or row is None:
            return ()
        sid = row[0]
        try:
            rows = self._con.execute(
                "SELECT place, snippet(part, 0, char(2), char(3), '…', 14) FROM part"
                " WHERE part MATCH ? AND rowid BETWEEN ? AND ? ORDER BY weight DESC, rowid"
                " LIMIT ?",
                (match, sid * PARTS_PER_STUDY, (sid + 1) * PARTS_PER_STUDY - 1, limit),
            ).fetchall()
        except sqlite3.OperationalError:
            return ()
        return tuple(Match(place, _one_line(text)) for place, text in rows)

    def all_text(self) -> Iterator[str]:
        """Everything the index holds as text (the privacy tests read it all)."""
        con = self._con
        for text, place in con.execute("SELECT text, place FROM part"):
            yield place
            yield text
        for card, facts in con.execute("SELECT card, facts FROM study"):
            yield card
            yield facts
        for (message,) in con.execute("SELECT message FROM problem"):
            yield message


# --------------------------------------------------------------------------- helpers


_WORD = re.compile(r'"([^"]*)"|(\S+)')
_TOKEN = re.compile(r"\w+")


# Words too common to narrow a search ("explained the idea" finds what "explained
# idea" finds, without reading where every "the" is); kept inside "quoted phrases".
STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
    }
)


def fts_query(text: str, *, prefix_last: bool = False) -> str | None:
    """A person's search words as an FTS5 query: every word (or "quoted phrase")
    must be found; nothing they type is read as FTS5 syntax. Common words ("the",
    "of") are left out unless quoted or all there is. With `prefix_last`, the last
    word may be the start of one (search as you type) once it has two letters.
    None: no words."""
    found: list[tuple[str, bool]] = []  # (term, quoted)
    for phrase, word in _WORD.findall(text):
        tokens = _TOKEN.findall(phrase if phrase else word)
        if tokens:
            found.append((" ".join(tokens), bool(phrase)))
    if not found:
        return None
    last = found[-1]
    kept = [t for t in found if t[1] or t[0].lower() not in STOPWORDS]
    if not kept:
        kept = found
    elif prefix_last and last not in kept:
        kept.append(last)  # the word being typed may become a rare one ("th" -> "theory")
    terms_ = [f'"{term}"' for term, _quoted in kept]
    # A one-letter start would match most of the index (and has no prefix index).
    if prefix_last and not text.rstrip().endswith('"') and len(terms_[-1]) >= 4:
        terms_[-1] += "*"
    return " ".join(terms_)


def _one_line(snippet: str) -> str:
    """A snippet on one line: the lines of a part (one note a line) parted by " · "."""
    return " · ".join(" ".join(line.split()) for line in snippet.splitlines() if line.strip())


def _passes(
    filters: Filters | None, subject: str, year_group: str, school_year: int | None, status: str
) -> bool:
    if not filters:
        return True
    if filters.subject and not terms.subject_matches(filters.subject, subject):
        return False
    if filters.year_group and terms.year_group_key(filters.year_group) != year_group:
        return False
    if filters.school_year is not None and school_year != filters.school_year:
        return False
    return not (filters.status and status != filters.status)


def _card(row: tuple[Any, ...], copies: list[tuple[str, str, int]]) -> StudyCard:
    sid, study_id, path, stamp, card = row
    others = tuple(Copy(p, s == stamp, m) for p, s, m in copies if p != path)
    return StudyCard(sid, study_id, path, json.loads(card), others)


def _relative(message: str, folder: Path, path: str) -> str:
    """An error names the file by its full path first; the library names the file
    itself, so the message keeps only what is wrong (other paths within the folder)."""
    full = str(folder / path)
    if message.startswith(f"{full}: "):
        message = message[len(full) + 2 :]
    return message.replace(f"{folder}{os.sep}", "")


def _open_index(path: Path, folder: Path, *, own: bool) -> sqlite3.Connection:
    """Open (or make) the index of `folder` at `path`. An index of ours that is out of
    date or damaged is rebuilt (it is only a cache); a file that is not one is refused."""
    if path.exists() and not _is_index(path):
        if not own:
            raise LessonStudyError(f"{path}: not a library index; give another --index file")
        _remove_index(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except (OSError, sqlite3.Error) as error:
        raise LessonStudyError(f"{path}: the library index cannot be opened ({error})") from None
    try:
        con.execute("PRAGMA busy_timeout = 5000")
        con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA synchronous = NORMAL")  # a cache: rebuilt if ever lost
        with write_transaction(con):
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version != INDEX_FORMAT:
                _create(con)
            made = version != INDEX_FORMAT
            row = con.execute("SELECT value FROM meta WHERE key = 'folder'").fetchone()
            if row is None:
                con.execute("INSERT INTO meta VALUES ('folder', ?)", (str(folder),))
            elif row[0] != str(folder):
                if own:  # two folders with one checksum: ours, a cache: made again
                    _create(con)
                    con.execute("INSERT INTO meta VALUES ('folder', ?)", (str(folder),))
                else:
                    raise LessonStudyError(
                        f"{path}: the index of another folder ({row[0]}); give another --index file"
                    )
        if made:  # put the header (our application id) into the file itself at once
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.DatabaseError as error:
        con.close()
        if not own:
            raise LessonStudyError(f"{path}: damaged library index ({error})") from None
        _remove_index(path)  # ours, a cache: start again
        return _open_index(path, folder, own=False)
    except LessonStudyError:
        con.close()
        raise
    return con


def _create(con: sqlite3.Connection) -> None:
    """(Re)make the index's tables, dropping whatever an older format left."""
    # Full-text tables first: dropping one drops its own shadow tables with it.
    for (name,) in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'"
    ).fetchall():
        con.execute(f'DROP TABLE IF EXISTS "{name}"')
    for name, kind in con.execute(
        "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')"
        " AND name NOT LIKE 'sqlite_%'"
    ).fetchall():
        con.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
    for statement in _SCHEMA:
        con.execute(statement)
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.execute(f"PRAGMA user_version = {INDEX_FORMAT}")


def _is_index(path: Path) -> bool:
    """True for an index of ours (or an empty file or database, to make one in)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError:
        return False
    if len(header) == 0:
        return True  # an empty file: SQLite makes it a database
    if not header.startswith(SQLITE_HEADER) or len(header) < 100:
        return False
    application_id = int.from_bytes(header[68:72], "big")
    if application_id != 0:
        return application_id == APPLICATION_ID  # someone else's (a study, say): never
    # No id yet: an empty database, or the header on disk is behind the write-ahead
    # log (another process made the index a moment ago). Ask SQLite, which reads
    # through the log; `query_only` on a read-write connection leaves no -wal/-shm
    # behind (a `mode=ro` one would).
    wal = header[18] == 2
    try:
        uri = f"{path.resolve().as_uri()}?mode={'rw' if wal else 'ro'}"
        con = sqlite3.connect(uri, uri=True)
        try:
            con.execute("PRAGMA query_only = ON")
            application_id = con.execute("PRAGMA application_id").fetchone()[0]
            tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return bool(application_id == APPLICATION_ID or tables == 0)


def _remove_index(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(OSError):
            leftover.unlink()
