"""Jinja2 templates -> Markdown, with typed text escaped by default.

Templates live in `templates/report/`; a group may copy that folder, change
what it likes and pass it as `--templates DIR`: files found there win, the
rest come from the shipped folder. Every `{{ value }}` is escaped as one line
of typed text unless it is already Markdown (the `md_text` and `chip` filters
and the picture functions below return `Markdown`), so forgetting a filter
shows a stray backslash rather than running markup.
"""

from __future__ import annotations

import contextlib
import functools
import re
import traceback
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from lessonstudy.errors import LessonStudyError
from lessonstudy.report.context import JUDGEMENT_ORDER, judgement_data
from lessonstudy.report.escape import Markdown, md_line, md_text
from lessonstudy.resources import templates_dir

_BLANK_LINES = re.compile(r"\n{3,}")


def shipped_dir() -> Path:
    return templates_dir() / "report"


def _finalize(value: object) -> str:
    if isinstance(value, Markdown | Markup):
        return value
    if value is None:
        return ""
    return md_line(value)


def chip(judgement: dict[str, Any] | None) -> Markdown:
    """A judgement as its symbol in a code span: typed text can never make one
    (backticks are escaped), so the HTML and Word writers can colour it safely."""
    if not judgement:
        return Markdown("")
    return Markdown(f"`{judgement['symbol']}`")


def _tally(counts: list[dict[str, Any]]) -> str:
    return ", ".join(f"{c['count']} {chip(c)}" for c in counts)


def _cell_verdict(cell: dict[str, Any]) -> str:
    """The group's judgement by symbol and in words; where it made none, the notes'
    marks counted ("notes: 2 `=`, 1 `-`"), never a verdict worked out from them."""
    verdict = cell["verdict"]
    if verdict["judgement"]:
        text = f"{chip(verdict['judgement'])} {verdict['judgement']['words']}"
    elif verdict["counts"]:
        text = f"notes: {_tally(verdict['counts'])}"
    elif verdict["notes"]:
        text = f"{verdict['notes']} notes, none judged"
    else:
        text = "no notes"
    return text + (" (critical moment)" if cell["critical"] else "")


def grid(lesson: dict[str, Any]) -> Markdown:
    """Stages down, case pupils across; each cell the group's judgement, or the counts."""
    stages = lesson["stages"]
    if not stages:
        return Markdown("")
    pupils = [cell["pupil"] for cell in stages[0]["cells"]]
    lines = [
        "| Stage | " + " | ".join(md_line(p) for p in pupils) + " |",
        "|---|" + "---|" * len(pupils),
    ]
    for stage in stages:
        cells = [_cell_verdict(c) for c in stage["cells"]]
        title = md_line(f"{stage['number']}. {stage['title']}")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    explain = (
        "A symbol with words is the group's judgement, agreed in the discussion; "
        "where the group made none, the observers' notes are counted."
    )
    return Markdown("\n".join(lines) + "\n\n" + explain + " " + key())


def journeys(items: list[dict[str, Any]]) -> Markdown:
    """Case pupils down, lessons across: the group's judgements stage by stage, and
    the notes' marks counted."""
    if not items or not items[0]["points"]:
        return Markdown("")
    lessons = [point["lesson"] for point in items[0]["points"]]
    lines = [
        "| Case pupil | " + " | ".join(md_line(name) for name in lessons) + " |",
        "|---|" + "---|" * len(lessons),
    ]
    for journey in items:
        cells = []
        for point in journey["points"]:
            if not point["notes"] and not point["judged"]:
                cells.append("no notes")
                continue
            parts = []
            if point["judged"]:
                judged = ", ".join(f"{j['stage']} {chip(j)}" for j in point["judged"])
                parts.append(f"group, by stage: {judged}")
            else:
                parts.append("not judged by the group")
            notes = f"{point['notes']} notes"
            if point["counts"]:
                notes += f": {_tally(point['counts'])}"
            if point["unplaced"]:
                notes += f" ({point['unplaced']} in no stage)"
            parts.append(notes)
            cells.append("; ".join(parts))
        lines.append(f"| {md_line(journey['pupil'])} | " + " | ".join(cells) + " |")
    return Markdown("\n".join(lines) + "\n\n" + key())


def key() -> Markdown:
    parts = [f"{chip(judgement_data(j))} {j.words}" for j in JUDGEMENT_ORDER]
    return Markdown("Key: " + ", ".join(parts) + ".")


class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between runs (compiling is most of a small report's
    time); a cache that cannot be read or written is simply not used."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(Exception):
            super().dump_bytecode(bucket)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    import platformdirs

    folder = Path(platformdirs.user_cache_dir("lessonstudy")) / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _QuietBytecodeCache(str(folder), "jinja-%s.cache")


@functools.cache
def _environment(override: Path | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if override is not None:
        loaders.append(jinja2.FileSystemLoader(override))
    loaders.append(jinja2.FileSystemLoader(shipped_dir()))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,  # Markdown, not HTML: _finalize escapes instead
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,  # a group editing its templates sees the change
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["md_text"] = md_text
    env.filters["md_line"] = md_line
    env.filters["chip"] = chip
    env.globals.update(judgement_grid=grid, journey_table=journeys, judgement_key=key)
    return env


def render_markdown(context: dict[str, Any], kind: str, templates: Path | None = None) -> str:
    """The Markdown of one kind of write-up; LessonStudyError names a broken template file."""
    if templates is not None:
        templates = Path(templates).resolve()
        if not templates.is_dir():
            raise LessonStudyError(f"{templates}: no such templates folder")
    name = f"{kind}.md.j2"
    env = _environment(templates)
    try:
        template = env.get_template(name)
        # Empty fields leave runs of blank lines; typed text never holds a blank
        # line (md_text keeps its line breaks as hard breaks), so this only tidies.
        return _BLANK_LINES.sub("\n\n", template.render(context))
    except jinja2.TemplateSyntaxError as error:
        where = error.filename or error.name or name
        raise LessonStudyError(
            f"{where}, line {error.lineno}: template syntax error: {error.message}"
        ) from None
    except jinja2.TemplateNotFound as error:
        raise LessonStudyError(
            f"{error.name}: template not found in {templates or shipped_dir()}"
            + (f" or {shipped_dir()}" if templates else "")
        ) from None
    except LessonStudyError:
        raise
    except Exception as error:
        raise LessonStudyError(f"{_template_frame(error, name)}: {error}") from None


def _template_frame(error: BaseException, name: str) -> str:
    """Jinja2 rewrites tracebacks to point into the template: report file and line."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith(".j2"):
            return f"{frame.filename}, line {frame.lineno}"
    return name
