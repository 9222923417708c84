"""Real processes writing one study at once, and a writer killed with SIGKILL mid-write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from lessonstudy.store.check import check_study
from lessonstudy.store.study_file import StudyFile
from store_helpers import make_file

pytestmark = pytest.mark.slow

WRITER = Path(__file__).with_name("note_writer.py")


def start_writer(path: Path, count: int, name: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(path), str(count), name],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def note_ids(path: Path) -> set[str]:
    with StudyFile.open(path) as study_file:
        return {str(n.id) for n in study_file.notes()}


def test_three_writers_at_once_lose_nothing(tmp_path):
    path, _study = make_file(tmp_path / "s.lessonstudy")
    writers = [start_writer(path, 300, name) for name in ("Ruth", "Sam", "Ola")]
    acknowledged: set[str] = set()
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        assert err == ""
        acknowledged.update(out.split())
    assert len(acknowledged) == 900
    assert note_ids(path) == acknowledged
    assert check_study(path).sound


def test_a_writer_killed_mid_write_loses_no_acknowledged_note(tmp_path):
    path, _study = make_file(tmp_path / "s.lessonstudy")
    acknowledged: set[str] = set()
    for attempt in range(3):
        writer = start_writer(path, 1_000_000, f"killed-{attempt}")
        assert writer.stdout is not None
        # Let it get well into writing, then kill it between or inside commits.
        for _ in range(50 + 37 * attempt):
            line = writer.stdout.readline()
            assert line, writer.stderr.read() if writer.stderr else ""
            acknowledged.add(line.strip())
        os.kill(writer.pid, signal.SIGKILL)
        rest, _err = writer.communicate(timeout=30)
        acknowledged.update(rest.split())  # acknowledged before the kill landed
        assert writer.returncode == -signal.SIGKILL
        report = check_study(path)
        assert report.problems == []
        present = note_ids(path)
        assert acknowledged <= present
