"""Write-ups of a study: the case report, the open-house handout, the poster and slides.

    study -> context (plain data) -> Jinja2 templates -> Markdown
          -> HTML (markdown-it-py, print CSS), Word (python-docx)
             or PowerPoint (python-pptx)
    study -> every note as CSV (the report's notes, for a spreadsheet)

Every output is checked against the group's private words (pupils' real
names) before it is written: see `guard`.

Importing this package stays light (the command line's `--help` must be
fast): Jinja2, markdown-it-py, python-docx and python-pptx are imported when
a write-up is rendered.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from lessonstudy.errors import LessonStudyError
from lessonstudy.report.kinds import KIND_FORMATS, KIND_LABELS, KIND_TITLES, KINDS, WITHOUT_NOTES

if TYPE_CHECKING:
    from lessonstudy.model import PrivateWords, Study

FORMATS = ("html", "md", "docx", "pptx", "csv")
SUFFIXES = {"html": ".html", "md": ".md", "docx": ".docx", "pptx": ".pptx", "csv": ".csv"}


def check_kind(kind: str, fmt: str) -> None:
    if kind not in KINDS:
        raise LessonStudyError(f"unknown kind of write-up {kind!r} (use {', '.join(KINDS)})")
    if fmt not in FORMATS:
        raise LessonStudyError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    if fmt not in KIND_FORMATS[kind]:
        raise LessonStudyError(
            f"the {kind} cannot be written as {fmt} (use {', '.join(KIND_FORMATS[kind])})"
        )


def output_title(study: Study, kind: str) -> str:
    """The title of one output: the study's title and what the output is."""
    return f"{study.overview.title or 'Lesson study'} — {KIND_TITLES[kind]}"


def render_markdown(study: Study, *, kind: str = "report", templates: Path | None = None) -> str:
    """The write-up as Markdown text (what every format but CSV is made from)."""
    from lessonstudy.bulk import collection_paused
    from lessonstudy.report.context import build_context
    from lessonstudy.report.templates import render_markdown as from_templates

    check_kind(kind, "md")
    with collection_paused():  # a report's rows: one dict per note, none in a cycle
        context = build_context(study, kind)
        if kind == "case-report":
            from lessonstudy.report.case_report import abstract

            context["abstract"] = abstract(study, context)
        return from_templates(context, kind, templates)


def render(
    study: Study,
    *,
    kind: str = "report",
    fmt: str = "html",
    templates: Path | None = None,
    private: PrivateWords | None = None,
    mask: bool = False,
) -> bytes:
    """One write-up of `study` in one format, as the bytes of the file.

    With `private` words, the text is checked before anything is made of it:
    a hit raises `guard.PrivateWordsFound` (saying where), unless `mask`
    first replaces each one with the pupil's pseudonym."""
    from lessonstudy.bulk import collection_paused

    with collection_paused():  # tens of thousands of rows, tokens and cells at 90k notes
        return _render(study, kind, fmt, templates, private, mask)


def _render(
    study: Study,
    kind: str,
    fmt: str,
    templates: Path | None,
    private: PrivateWords | None,
    mask: bool,
) -> bytes:
    check_kind(kind, fmt)
    words = None
    if private is not None and private.words:
        from lessonstudy.report import guard

        words = guard.checked(private, study.pupils)
        if mask:
            study = guard.masked(study, words)
    if fmt == "csv":
        from lessonstudy.report.notes_csv import notes_csv

        data = notes_csv(study)
        if words is not None:
            from lessonstudy.report import guard

            _refuse(guard.find_in_csv(words, data), f"{kind}'s notes (csv)")
        return data
    markdown = render_markdown(study, kind=kind, templates=templates)
    title = output_title(study, kind)
    from lessonstudy.report.names import group_name

    author = group_name(study)
    if words is not None:
        from lessonstudy.report import guard

        hits = guard.find_in_markdown(words, markdown)
        if fmt in ("html", "docx", "pptx"):
            hits += guard.find_in_blocks(words, [("the file's title", title)])
        if fmt in ("docx", "pptx"):
            hits += guard.find_in_blocks(words, [("the file's author", author)])
        _refuse(hits, kind)
    if fmt == "md":
        return markdown.encode("utf-8")
    if fmt == "html" and kind == "slides":
        from lessonstudy.report.slides import to_slides_html

        return to_slides_html(markdown, title=title, templates=templates).encode("utf-8")
    # The case report is laid out as the report is.
    layout = "report" if kind == "case-report" else kind
    if fmt == "html":
        from lessonstudy.report.html import to_html

        return to_html(markdown, title=title, kind=layout, templates=templates).encode("utf-8")
    if fmt == "pptx":
        from lessonstudy.report.slides import to_pptx

        return to_pptx(markdown, title=title, author=author)
    from lessonstudy.report.word import to_docx

    return to_docx(markdown, title=title, kind=layout, author=author)


def _refuse(hits: list[Any], what: str) -> None:
    if hits:
        from lessonstudy.report.guard import PrivateWordsFound

        raise PrivateWordsFound(what, hits)


def default_name(study_path: Path, kind: str, fmt: str) -> Path:
    """Where a write-up goes by default: next to the study, e.g. `fractions-report.html`."""
    suffix = "-notes" if fmt == "csv" else ""
    return study_path.with_name(f"{study_path.stem}-{kind}{suffix}{SUFFIXES[fmt]}")


def write_report(
    study: Study,
    out: Path,
    *,
    kind: str,
    fmt: str,
    templates: Path | None = None,
    private: PrivateWords | None = None,
    mask: bool = False,
    keywords: list[str] | None = None,
) -> Path:
    """Render and write atomically (a reader never sees half a file); returns `out`.

    The case report's metadata is written beside it (`case_report.sidecar_path`),
    checked against the private words like the report itself."""
    made = make_report(
        study,
        out,
        kind=kind,
        fmt=fmt,
        templates=templates,
        private=private,
        mask=mask,
        keywords=keywords,
    )
    return write_made(made)


def missing_from(study: Study, kind: str) -> list[str]:
    """What this write-up of the study will not have because the study has not got it
    yet, one line each, to say beside it (seen in a trial: a handout made before the
    open house's plan had stages promised visitors note pages it did not have)."""
    if kind != "handout":
        return []
    plan = study.open_house_plan()
    if plan is None or not plan.stages:
        which = f"RL{plan.number}'s plan" if plan is not None else "the open house's plan"
        return [f"no observation sheets for visitors: {which} has no stages yet"]
    if not study.pupils:
        return ["no observation sheets for visitors: the study has no case pupils yet"]
    return []


class Made(NamedTuple):
    """A file of a write-up, made but not yet written."""

    path: Path
    data: bytes
    what: str  # for a message about writing it ("report", "case report's metadata")


def make_report(
    study: Study,
    out: Path,
    *,
    kind: str,
    fmt: str,
    templates: Path | None = None,
    private: PrivateWords | None = None,
    mask: bool = False,
    keywords: list[str] | None = None,
) -> list[Made]:
    """The files `write_report` writes, first the write-up itself, made in memory (a
    command may then write them only once the study file's checks are done)."""
    out = Path(out)
    made = []
    if kind == "case-report":
        from lessonstudy.report.case_report import sidecar_path

        sidecar = _case_report_metadata(study, out, private, mask, keywords or [])
        made.append(Made(sidecar_path(out), sidecar, "case report's metadata"))
    data = render(study, kind=kind, fmt=fmt, templates=templates, private=private, mask=mask)
    return [Made(out, data, kind), *made]


def write_made(made: list[Made]) -> Path:
    """Write each file atomically (a reader never sees half a file); returns the first."""
    from lessonstudy.files import write_atomically

    for path, data, what in made:
        write_atomically(path, data, what=what)
    return made[0].path


def _case_report_metadata(
    study: Study, out: Path, private: PrivateWords | None, mask: bool, keywords: list[str]
) -> bytes:
    import json

    from lessonstudy.report.case_report import metadata, sidecar_path
    from lessonstudy.report.context import build_context

    if sidecar_path(out) == out:
        raise LessonStudyError(
            f"{out}: the case report's metadata goes beside it as {out.name}; give the report"
            " another name (.html, .md or .docx)"
        )
    words = None
    if private is not None and private.words:
        from lessonstudy.report import guard

        words = guard.checked(private, study.pupils)
        if mask:
            study = guard.masked(study, words)
    # The metadata lists no note: no appendix of thousands of rows to build.
    context = build_context(study, "case-report", appendix=False)
    data = metadata(study, context, out.name, keywords)
    if words is not None:
        from lessonstudy.report import guard

        _refuse(guard.find_in_data(words, data), "case report's metadata")
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


__all__ = [
    "FORMATS",
    "KINDS",
    "KIND_FORMATS",
    "KIND_LABELS",
    "KIND_TITLES",
    "WITHOUT_NOTES",
    "Made",
    "check_kind",
    "default_name",
    "make_report",
    "render",
    "render_markdown",
    "write_made",
    "write_report",
]
