"""A study file open in this process keeps its locks, whatever else looks at it.

POSIX advisory locks belong to a process: closing any descriptor of the file drops
every lock the process holds on it. Seen: the app's worker opened the study (which
read the file's header with a descriptor of its own) while the app had it open and
an observer wrote in another process: the file was "malformed", three times in three.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lessonstudy.model import CLASS, Observation, now
from lessonstudy.store import StudyFile
from lessonstudy.store.check import check_study
from lessonstudy.store.connection import check_readable
from lessonstudy.store.summary import read_cached_at
from store_helpers import make_file, planned_study

# Another process (an observer): writes and closes its connection. Finding no other
# process's lock on the file, it takes itself for the last one and checkpoints and
# removes the write-ahead log and its index, which this process's connection still
# uses: the next writer starts new ones, and this process writes on into the old.
OTHER_WRITER = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA busy_timeout = 5000")
for n in range(int(sys.argv[2])):
    con.execute("INSERT INTO meta VALUES (?, ?)", (f"{sys.argv[3]} {n}", "x" * 300))
con.close()
"""

LOOKS = {
    "check_readable": check_readable,
    "the cached summary": lambda path: read_cached_at(path, thorough=False),
    "a read-only open (a worker's)": lambda path: StudyFile.open(path, read_only=True).close(),
    "an open to make a write-up": lambda path: StudyFile.open_to_make(path).close(),
}


@pytest.mark.parametrize("look", list(LOOKS))
def test_looking_at_an_open_study_keeps_its_locks_and_the_file_sound(tmp_path, look, monkeypatch):
    from lessonstudy.store import open_checks

    monkeypatch.setattr(open_checks, "ALONGSIDE_FROM_BYTES", 0)  # its threads' reads too
    study = planned_study()
    path, _ = make_file(tmp_path / "s.lessonstudy", study)
    with StudyFile.open(path) as app:
        app.add_note(Observation(1, "Ruth", now(), CLASS, "before"))
        LOOKS[look](Path(path))
        for writer in ("first", "second"):
            run = [sys.executable, "-c", OTHER_WRITER, str(path), "30", writer]
            subprocess.run(run, check=True)
        for n in range(20):
            app.add_note(Observation(1, "Ruth", now(), CLASS, f"after {n} " + "y" * 300))
    checked = check_study(path)
    assert checked.sound, checked
    with StudyFile.open(path, read_only=True) as reader:
        assert len(reader.notes(1)) == 21
