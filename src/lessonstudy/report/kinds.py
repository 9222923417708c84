"""The kinds of write-up, each declared once.

Each `WriteUpKind` says what the kind is called (in its title and on the
write-up screen), what it can be written as and whether it prints observation
notes. The command line, the write-up screen and every output's title read it
from here; its text comes from `templates/report/<name>.md.j2` and, if it can
be a Word file, its page from `report.word.LAYOUTS`.
"""

from __future__ import annotations

from typing import NamedTuple


class WriteUpKind(NamedTuple):  # (not attrs: `--help` lists the kinds and stays fast)
    name: str  # "handout": the --kind of the command line, the template's name
    title: str  # "open-house handout": the output's title says "<study> — <title>"
    label: str  # "Open-house handout": on the write-up screen
    formats: tuple[str, ...]  # what it can be written as; the first is the default
    notes: bool  # prints observation notes (else the study is loaded without them)


WRITE_UPS: tuple[WriteUpKind, ...] = (
    WriteUpKind("report", "case report", "Case report", ("html", "md", "docx", "csv"), notes=True),
    WriteUpKind(
        "handout", "open-house handout", "Open-house handout", ("html", "md", "docx"), notes=False
    ),
    # The slides and poster quote interviews, not notes.
    WriteUpKind("poster", "poster", "Poster", ("html", "md", "docx"), notes=False),
    WriteUpKind("slides", "slides", "Slides", ("html", "md", "pptx"), notes=False),
    # The report with a structured abstract, and its metadata beside it as JSON, for a
    # digital library of teacher research (see case_report); laid out as the report is.
    WriteUpKind(
        "case-report",
        "case report",
        "Case report for a library (abstract + metadata)",
        ("html", "md", "docx"),
        notes=True,
    ),
)

KINDS: tuple[str, ...] = tuple(kind.name for kind in WRITE_UPS)
KIND_FORMATS: dict[str, tuple[str, ...]] = {kind.name: kind.formats for kind in WRITE_UPS}
KIND_TITLES: dict[str, str] = {kind.name: kind.title for kind in WRITE_UPS}
KIND_LABELS: dict[str, str] = {kind.name: kind.label for kind in WRITE_UPS}
# The kinds that print no observation note: loaded without them (a large study
# holds thousands).
WITHOUT_NOTES: frozenset[str] = frozenset(kind.name for kind in WRITE_UPS if not kind.notes)
