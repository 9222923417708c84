"""Write-ups of a study: the report, the open-house handout and the poster.

    study -> context (plain data) -> Jinja2 templates -> Markdown
          -> HTML (markdown-it-py, print CSS) or Word (python-docx)

Importing this package stays light (the command line's `--help` must be
fast): Jinja2, markdown-it-py and python-docx are imported when a write-up is
rendered.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lessonstudy.errors import LessonStudyError

if TYPE_CHECKING:
    from lessonstudy.model import Study

KINDS = ("report", "handout", "poster")
FORMATS = ("html", "md", "docx")
SUFFIXES = {"html": ".html", "md": ".md", "docx": ".docx"}


def _check(kind: str, fmt: str) -> None:
    if kind not in KINDS:
        raise LessonStudyError(f"unknown kind of write-up {kind!r} (use {', '.join(KINDS)})")
    if fmt not in FORMATS:
        raise LessonStudyError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")


def render_markdown(study: Study, *, kind: str = "report", templates: Path | None = None) -> str:
    """The write-up as Markdown text (what every format is made from)."""
    from lessonstudy.report.context import build_context
    from lessonstudy.report.templates import render_markdown as from_templates

    _check(kind, "md")
    return from_templates(build_context(study), kind, templates)


def render(
    study: Study, *, kind: str = "report", fmt: str = "html", templates: Path | None = None
) -> bytes:
    """One write-up of `study` in one format, as the bytes of the file."""
    _check(kind, fmt)
    markdown = render_markdown(study, kind=kind, templates=templates)
    if fmt == "md":
        return markdown.encode("utf-8")
    title = study.overview.title or "Lesson study"
    if fmt == "html":
        from lessonstudy.report.html import to_html

        return to_html(markdown, title=title, kind=kind, templates=templates).encode("utf-8")
    from lessonstudy.report.word import to_docx

    return to_docx(markdown, title=title, kind=kind)


def default_name(study_path: Path, kind: str, fmt: str) -> Path:
    """Where a write-up goes by default: next to the study, e.g. `fractions-report.html`."""
    return study_path.with_name(f"{study_path.stem}-{kind}{SUFFIXES[fmt]}")


def write_report(
    study: Study, out: Path, *, kind: str, fmt: str, templates: Path | None = None
) -> Path:
    """Render and write atomically (a reader never sees half a file); returns `out`."""
    from lessonstudy.files import write_atomically

    data = render(study, kind=kind, fmt=fmt, templates=templates)
    out = Path(out)
    write_atomically(out, data, what=kind)
    return out


__all__ = ["FORMATS", "KINDS", "default_name", "render", "render_markdown", "write_report"]
