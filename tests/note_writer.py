"""A process that adds observation notes to a study, one transaction each.

    python tests/note_writer.py STUDY COUNT NAME

After each note is committed it prints the note's id and flushes: a line on
stdout is an acknowledgement that the note is durable. Used by the
multi-process tests and by benchmarks/bench_store.py (not a test module).
"""

from __future__ import annotations

import sys
from pathlib import Path

from lessonstudy.model import CLASS, Observation, now
from lessonstudy.store import documents
from lessonstudy.store.study_file import StudyFile


def main(argv: list[str]) -> int:
    path, count, name = Path(argv[0]), int(argv[1]), argv[2]
    with StudyFile.open(path) as study_file:
        plan, _revision = study_file.read(documents.lesson(1))
        stage_id = plan.stages[0].id if plan.stages else None
        for number in range(count):
            note = Observation(
                lesson=1,
                observer=name,
                at=now(),
                about=CLASS,
                text=f"{name} note {number}: " + "counts on along the line " * 4,
                stage_id=stage_id,
            )
            study_file.add_note(note)
            sys.stdout.write(f"{note.id}\n")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
