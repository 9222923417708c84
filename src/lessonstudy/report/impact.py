"""The impact summary (archive/impact.py's plain data) as HTML or Word.

The same road as the write-ups: a Jinja2 template (`impact.md.j2`, which a
school may copy and change with --templates) makes Markdown, which becomes
one self-contained HTML file with print CSS, or a Word document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lessonstudy.errors import LessonStudyError

FORMATS = ("html", "docx", "md")
KIND = "impact"
AUTHOR = "lessonstudy"


def render_impact(
    data: dict[str, Any], *, fmt: str = "html", templates: Path | None = None
) -> bytes:
    from lessonstudy.report.templates import render_markdown

    if fmt not in FORMATS:
        raise LessonStudyError(
            f"the impact summary cannot be written as {fmt} (use html, docx, md)"
        )
    markdown = render_markdown(data, KIND, templates)
    if fmt == "md":
        return markdown.encode("utf-8")
    title = str(data["title"])
    if fmt == "html":
        from lessonstudy.report.html import to_html

        return to_html(markdown, title=title, kind=KIND, templates=templates).encode("utf-8")
    from lessonstudy.report.word import to_docx

    return to_docx(markdown, title=title, kind=KIND, author=AUTHOR)


def format_of(path: Path, fmt: str | None) -> str:
    """The format asked for, else the one the file name says (.html, .docx, .md)."""
    if fmt:
        return fmt
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("htm", "html"):
        return "html"
    if suffix in FORMATS:
        return suffix
    raise LessonStudyError(
        f"{path}: say which format with --format html|docx|md (or name the file .html or .docx)"
    )
