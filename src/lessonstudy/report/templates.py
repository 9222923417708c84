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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from lessonstudy import resources
from lessonstudy.errors import LessonStudyError
from lessonstudy.process import JUDGEMENT_ORDER
from lessonstudy.report.context import judgement_data
from lessonstudy.report.escape import Markdown, md_line, md_text
from lessonstudy.resources import templates_dir

# Three line breaks or more. Written with its first two spelt out: the regular
# expression engine then looks for them as a literal (memchr-fast), where for
# "\n{3,}" it tried every position (a 9,000-note report, 1.1 MB: 11 ms -> 0.5 ms).
_BLANK_LINES = re.compile(r"\n\n\n+")


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


def counted_words(count: int, noun: str) -> str:
    """'1 note', '30,000 notes' (nouns whose plural takes an s)."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def counts_text(verdict: dict[str, Any]) -> Markdown:
    """The notes' judgements counted: "2 `=` 1 `-`" (or "no notes"); never a verdict."""
    if not verdict["counts"]:
        return Markdown("no notes" if not verdict["notes"] else f"{verdict['notes']} unmarked")
    return Markdown(" ".join(f"{c['count']} {chip(c)}" for c in verdict["counts"]))


def verdict_text(verdict: dict[str, Any]) -> Markdown:
    """A cell's verdict: the group's judgement where it made one, else plainly not
    judged, with the notes' marks counted."""
    judgement = verdict.get("judgement")
    if judgement:  # the column says it is the group's
        return Markdown(f"{chip(judgement)} {judgement['words']}")
    if not verdict["notes"]:
        return Markdown("no notes")
    return Markdown(f"*not judged by the group;* notes: {counts_text(verdict)}")


def evidence_table(lesson: dict[str, Any]) -> Markdown:
    """Each stage and case pupil: what was predicted beside what was observed, the
    critical moments the observers flagged, and the verdict (group's, else counts)."""
    stages = lesson["stages"]
    if not stages:
        return Markdown("")
    lines = [
        "| Stage | Pupil | Predicted | Observed | The group's judgement |",
        "|---|---|---|---|---|",
    ]
    for stage in stages:
        for index, cell in enumerate(stage["cells"]):
            title = md_line(f"{stage['number']}. {stage['title']}") if index == 0 else ""
            observed = [md_line(cell["observed"])] if cell["observed"].strip() else []
            for note in cell["notes"]:
                mark = f"{chip(note['judgement'])} " if note["judgement"] else ""
                star = "★ " if note["starred"] else ""
                flag = "critical moment, " if note["critical"] else ""
                observed.append(
                    Markdown(f"{star}*{flag}{note['time']}:* {mark}{md_line(note['text'])}")
                )
            predicted = md_line(cell["prediction"]) if cell["prediction"].strip() else "–"
            if cell.get("changed"):
                changed = cell["changed"]
                predicted += (
                    f" · *Changed after the lesson began ({md_line(changed['when'])}):* "
                    + (md_line(changed["text"]) if changed["text"].strip() else "left empty")
                )
            lines.append(
                f"| {title} | {md_line(cell['label'])} | {predicted} | "
                f"{' · '.join(observed) if observed else '–'} | {verdict_text(cell['verdict'])} |"
            )
    return Markdown("\n".join(lines))


def progress_table(pupil: dict[str, Any]) -> Markdown:
    """One case pupil across the lessons: their success criterion and what the notes said."""
    if not pupil["points"]:
        return Markdown("")
    lines = ["| Lesson | Success criterion | Against the prediction |", "|---|---|---|"]
    for point in pupil["points"]:
        judged = " ".join(chip(j) for j in point["judged"])
        counts = counts_text({"counts": point["counts"], "notes": point["notes"]})
        evidence = f"the group: {judged}; notes: {counts}" if judged else f"notes: {counts}"
        criterion = md_line(point["criterion"]) if point["criterion"].strip() else "–"
        lines.append(f"| {md_line(point['lesson'])} | {criterion} | {evidence} |")
    return Markdown("\n".join(lines))


def notes_table(notes: list[dict[str, Any]]) -> Markdown:
    """Notes of one lesson, in time order (the report's appendix)."""
    lines = ["| Time | Stage | Pupil | Observer | Note |", "|---|---|---|---|---|"]
    append = lines.append
    names: dict[str, str] = {}  # pupils and observers: a handful, escaped once each
    for note in notes:
        mark = f"{chip(note['judgement'])} " if note["judgement"] else ""
        flag = "**critical moment:** " if note["critical"] else ""
        if note["starred"]:
            flag = "★ " + flag
        about, observer = note["about"], note["observer"]
        if about not in names:
            names[about] = md_line(about)
        if observer not in names:
            names[observer] = md_line(observer)
        append(
            f"| {note['time']} | {note['stage']} | {names[about]} | "
            f"{names[observer]} | {mark}{flag}{md_line(note['text'])} |"
        )
    return Markdown("\n".join(lines))


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
    folder = resources.user_cache_dir() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _QuietBytecodeCache(str(folder), "jinja-%s.cache")


class ConfinedLoader(jinja2.FileSystemLoader):
    """Templates from one folder and nothing outside it: a symbolic link in a
    group's templates folder must not pull another file (a key, a password file)
    into a report."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, followlinks=False)
        self.folder = folder.resolve()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if not Path(filename).resolve().is_relative_to(self.folder):
            raise LessonStudyError(
                f"{filename}: leads outside the templates folder {self.folder}; refused"
            )
        return source, filename, uptodate


def inside(folder: Path, name: str) -> Path | None:
    """`folder/name` if it is a file that really is inside `folder` (no link out)."""
    path = folder / name
    if not path.is_file():
        return None
    if not path.resolve().is_relative_to(folder.resolve()):
        raise LessonStudyError(f"{path}: leads outside the templates folder {folder}; refused")
    return path


@functools.cache
def _environment(override: Path | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if override is not None:
        loaders.append(ConfinedLoader(override))
    loaders.append(jinja2.FileSystemLoader(shipped_dir()))
    # Sandboxed: a group's own template is text, not a program. Without the sandbox
    # `{{ x.__class__.__mro__[1].__subclasses__() }}` reaches os.system.
    env = SandboxedEnvironment(
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
    env.filters["verdict"] = verdict_text
    env.filters["counts"] = counts_text
    env.filters["counted"] = counted_words
    env.globals.update(
        evidence_table=evidence_table,
        progress_table=progress_table,
        notes_table=notes_table,
        judgement_key=key,
    )
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
    except SecurityError as error:
        raise LessonStudyError(
            f"{_template_frame(error, name)}: not allowed in a template ({error})"
        ) from None
    except Exception as error:
        raise LessonStudyError(f"{_template_frame(error, name)}: {error}") from None


def _template_frame(error: BaseException, name: str) -> str:
    """Jinja2 rewrites tracebacks to point into the template: report file and line."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith(".j2"):
            return f"{frame.filename}, line {frame.lineno}"
    return name
