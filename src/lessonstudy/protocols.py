"""Discussion protocols: the order of a post-lesson discussion, kept as data.

A protocol is a TOML file: its roles, the interview prompts and the ordered
steps the chair takes the group through. The English model is the default;
others ship in `templates/protocols/`, and a school can add its own in the
user's data folder (`resources.user_data_dir()/protocols/NAME.toml`), which is
searched first so a school's copy can replace a shipped one.

Files are validated strictly (unknown keys are errors) and every problem is
reported as one line, `FILE:LINE: what is wrong`, so that a teacher editing a
protocol can find the mistake.

Pure: tomllib and attrs only, no Textual, SQLite or Jinja2.
"""

from __future__ import annotations

import enum
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from attrs import field, frozen

from lessonstudy.errors import LessonStudyError
from lessonstudy.files import read_input
from lessonstudy.resources import templates_dir, user_data_dir

DEFAULT_PROTOCOL = "english"

_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")


class ProtocolStepKind(enum.StrEnum):
    """What the discussion screen shows and captures during a step."""

    EVIDENCE = "evidence"  # case pupils against predictions, stage by stage: the evidence grid
    INTERVIEWS = "interviews"  # the interview answers
    POINTS = "points"  # the recorder notes points
    AGREED_CHANGES = "agreed_changes"  # the changes for the next lesson: its plan's checklist
    COMMENTATOR = "commentator"  # the final commentator's / knowledgeable other's remarks


@frozen
class ProtocolStep:
    id: str  # stable slug: discussion records are keyed by it
    title: str
    prompt: str  # the question the chair asks
    speaker: str  # who speaks: "observers", "teacher", "everyone", "final commentator" ...
    kind: ProtocolStepKind
    optional: bool = False
    minutes: int | None = None  # suggested time, if the protocol gives one


@frozen
class Protocol:
    name: str
    title: str
    steps: tuple[ProtocolStep, ...]
    description: str = ""
    roles: Mapping[str, str] = field(factory=dict)  # role slug -> what the role does
    interview_prompts: tuple[str, ...] = ()
    optional_interview_prompts: tuple[str, ...] = ()
    path: Path | None = field(default=None, eq=False)  # the file it was loaded from

    def step(self, step_id: str) -> ProtocolStep | None:
        for step in self.steps:
            if step.id == step_id:
                return step
        return None

    @property
    def agreed_changes_step(self) -> ProtocolStep:
        """The one step whose points become the next plan's checklist."""
        return next(s for s in self.steps if s.kind is ProtocolStepKind.AGREED_CHANGES)

    def steps_of_kind(self, kind: ProtocolStepKind) -> list[ProtocolStep]:
        return [step for step in self.steps if step.kind is kind]


def role_words(role: str) -> str:
    """A role slug in plain words: "final_commentator" -> "final commentator"."""
    return role.replace("_", " ")


# --------------------------------------------------------------------------- finding files


def user_protocols_dir() -> Path:
    """Where a school's own protocol files go (searched before the shipped ones)."""
    return user_data_dir() / "protocols"


def shipped_protocols_dir() -> Path:
    return templates_dir() / "protocols"


def available_protocols() -> list[str]:
    """Names of every protocol that can be loaded: the default first, then A-Z."""
    names: set[str] = set()
    for folder in (user_protocols_dir(), shipped_protocols_dir()):
        if folder.is_dir():
            names.update(p.stem for p in folder.glob("*.toml") if _SLUG.match(p.stem))
    return sorted(names, key=lambda name: (name != DEFAULT_PROTOCOL, name))


def protocol_path(name: str) -> Path:
    """The file that `load_protocol(name)` reads."""
    if not _SLUG.match(name):
        raise LessonStudyError(
            f'"{name}" is not a protocol name (use lowercase letters, digits, - and _)'
        )
    for folder in (user_protocols_dir(), shipped_protocols_dir()):
        candidate = folder / f"{name}.toml"
        if candidate.is_file():
            return candidate
    known = ", ".join(available_protocols()) or "none"
    raise LessonStudyError(f'no protocol named "{name}" (available: {known})')


def load_protocol(name_or_path: str | Path = DEFAULT_PROTOCOL) -> Protocol:
    """Load a protocol by name (user folder, then shipped) or from a .toml path."""
    if isinstance(name_or_path, Path) or name_or_path.endswith(".toml"):
        path = Path(name_or_path)
    else:
        path = protocol_path(name_or_path)
    return _load_file(path)


@frozen
class ChosenProtocol:
    """The protocol a study runs its discussions by, and why not its own if not."""

    protocol: Protocol
    problem: str = ""  # the study's protocol could not be loaded: what to tell the group


def protocol_or_default(name: str) -> ChosenProtocol:
    """The protocol named `name` ("": the default); the default with the reason when
    it cannot be loaded (a school's file gone or broken): the discussion, the
    interviews and the write-up never stop for it, and the group is told."""
    try:
        return ChosenProtocol(load_protocol(name or DEFAULT_PROTOCOL))
    except LessonStudyError as error:
        if not name or name == DEFAULT_PROTOCOL:
            raise  # the shipped default itself: a broken installation, not the study's
        return ChosenProtocol(load_protocol(DEFAULT_PROTOCOL), f"{error} - using the English model")


def default_ground_rules() -> str:
    """The default text of the group's protocol (ground rules). Plain text, as the group
    edits it: Markdown's marks (a `#` heading, `**bold**`) showed as typed in the app
    and in every write-up, which print typed text as it was typed."""
    return (templates_dir() / "ground-rules.txt").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- parsing


def _load_file(path: Path) -> Protocol:
    data = read_input(path, what="a protocol file", limit_mb=1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise LessonStudyError(f"{path}: not a protocol file (not UTF-8 text)") from None
    return parse_protocol(text, path)


_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\Z")
_AT_END = re.compile(r"\s*\(at end of document\)\Z")


def parse_protocol(text: str, path: Path) -> Protocol:
    """Parse and validate protocol text; `path` names it in errors (and gives its name)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LessonStudyError(_syntax_error(path, str(error), text)) from None
    except RecursionError:
        raise LessonStudyError(f"{path}: not a protocol file (nested too deeply)") from None
    try:
        return _build(data, path)
    except _Invalid as error:
        line = _line_of(_key_lines(text), error.where)
        raise LessonStudyError(f"{path}:{line}: {error.message}") from None


def _syntax_error(path: Path, message: str, text: str) -> str:
    # tomllib ends its message with "(at line N, column M)": move the line to the front.
    match = _AT_LINE.search(message)
    if match:
        return f"{path}:{match[1]}: {message[: match.start()]} (column {match[2]})"
    match = _AT_END.search(message)
    if match:
        last = max(1, len(text.splitlines()))
        return f"{path}:{last}: {message[: match.start()]} (at the end of the file)"
    return f"{path}:1: {message}"


class _Invalid(Exception):
    """A structural problem at a key path, e.g. ("steps", 2, "kind")."""

    def __init__(self, where: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.where = where
        self.message = message


_TOP_KEYS = (
    "name",
    "title",
    "description",
    "roles",
    "interview_prompts",
    "optional_interview_prompts",
    "steps",
)
_STEP_KEYS = ("id", "title", "prompt", "speaker", "kind", "optional", "minutes")


def _build(data: dict[str, Any], path: Path) -> Protocol:
    _no_unknown_keys(data, _TOP_KEYS, (), "a protocol")
    name = _text(data, "name", ())
    if not _SLUG.match(name):
        raise _Invalid(("name",), f'name "{name}" must be lowercase letters, digits, - and _')
    if name != path.stem:
        raise _Invalid(("name",), f'name "{name}" must match the file name ("{path.stem}.toml")')
    if "steps" not in data:
        raise _Invalid((), "no [[steps]]: a protocol needs its discussion steps")
    raw_steps = data["steps"]
    if not isinstance(raw_steps, list) or not raw_steps:
        raise _Invalid(("steps",), "steps must be a list of [[steps]] tables")
    steps = tuple(_step(raw, index) for index, raw in enumerate(raw_steps))
    _check_steps(steps)
    return Protocol(
        name=name,
        title=_text(data, "title", ()),
        description=_text(data, "description", (), required=False).strip(),
        roles=_roles(data),
        interview_prompts=_text_list(data, "interview_prompts", ()),
        optional_interview_prompts=_text_list(
            data, "optional_interview_prompts", (), required=False
        ),
        steps=steps,
        path=path,
    )


def _step(raw: object, index: int) -> ProtocolStep:
    where: tuple[str | int, ...] = ("steps", index)
    number = index + 1
    if not isinstance(raw, dict):
        raise _Invalid(where, f"step {number} must be a table ([[steps]])")
    _no_unknown_keys(raw, _STEP_KEYS, where, f"step {number}")
    if "id" not in raw:
        raise _Invalid(where, f"step {number} has no id")
    step_id = _text(raw, "id", where)
    if not _SLUG.match(step_id):
        raise _Invalid(
            (*where, "id"), f'step id "{step_id}" must be lowercase letters, digits, - and _'
        )
    kind_text = _text(raw, "kind", where)
    try:
        kind = ProtocolStepKind(kind_text)
    except ValueError:
        kinds = ", ".join(k.value for k in ProtocolStepKind)
        raise _Invalid(
            (*where, "kind"),
            f'step "{step_id}" has unknown kind "{kind_text}" (use one of: {kinds})',
        ) from None
    optional = raw.get("optional", False)
    if type(optional) is not bool:
        raise _Invalid((*where, "optional"), f'step "{step_id}": optional must be true or false')
    minutes = raw.get("minutes")
    if minutes is not None and (type(minutes) is not int or minutes < 1):
        raise _Invalid(
            (*where, "minutes"), f'step "{step_id}": minutes must be a whole number from 1'
        )
    return ProtocolStep(
        id=step_id,
        title=_text(raw, "title", where),
        prompt=_text(raw, "prompt", where),
        speaker=_text(raw, "speaker", where),
        kind=kind,
        optional=optional,
        minutes=minutes,
    )


def _check_steps(steps: tuple[ProtocolStep, ...]) -> None:
    seen: set[str] = set()
    for index, step in enumerate(steps):
        if step.id in seen:
            raise _Invalid(("steps", index, "id"), f'step id "{step.id}" is used twice')
        seen.add(step.id)
    agreed = [i for i, s in enumerate(steps) if s.kind is ProtocolStepKind.AGREED_CHANGES]
    if not agreed:
        raise _Invalid(
            ("steps",), 'no step has kind "agreed_changes": a protocol needs exactly one'
        )
    if len(agreed) > 1:
        raise _Invalid(
            ("steps", agreed[1], "kind"),
            'more than one step has kind "agreed_changes": a protocol needs exactly one',
        )
    if steps[agreed[0]].optional:
        raise _Invalid(
            ("steps", agreed[0], "optional"), "the agreed changes step cannot be optional"
        )


def _roles(data: dict[str, Any]) -> dict[str, str]:
    roles = data.get("roles", {})
    if not isinstance(roles, dict):
        raise _Invalid(("roles",), "roles must be a table ([roles]) of role = description")
    for role, words in roles.items():
        if not _SLUG.match(role):
            raise _Invalid(
                ("roles", role), f'role "{role}" must be lowercase letters, digits, - and _'
            )
        if not isinstance(words, str):
            raise _Invalid(("roles", role), f'role "{role}" must be described in text')
    return dict(roles)


def _no_unknown_keys(
    table: dict[str, Any], allowed: tuple[str, ...], where: tuple[str | int, ...], what: str
) -> None:
    for key in table:
        if key not in allowed:
            raise _Invalid(
                (*where, key), f'unknown key "{key}" in {what} (allowed: {", ".join(allowed)})'
            )


def _text(
    table: dict[str, Any], key: str, where: tuple[str | int, ...], *, required: bool = True
) -> str:
    if key not in table:
        if required:
            raise _Invalid(where, f'"{key}" is missing')
        return ""
    value = table[key]
    if not isinstance(value, str):
        raise _Invalid((*where, key), f'"{key}" must be text in quotes')
    if required and not value.strip():
        raise _Invalid((*where, key), f'"{key}" must not be empty')
    return value


def _text_list(
    table: dict[str, Any], key: str, where: tuple[str | int, ...], *, required: bool = True
) -> tuple[str, ...]:
    if key not in table:
        if required:
            raise _Invalid(where, f'"{key}" is missing')
        return ()
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _Invalid((*where, key), f'"{key}" must be a list of texts in quotes')
    if required and not value:
        raise _Invalid((*where, key), f'"{key}" must not be empty')
    return tuple(value)


# --------------------------------------------------------------------------- error lines

_BARE_OR_QUOTED = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_KEY_PATH = rf"{_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*"
_HEADER = re.compile(rf"\s*(\[\[|\[)\s*({_KEY_PATH})\s*\]\]?\s*(?:#.*)?\Z")
_KEY = re.compile(rf"\s*({_KEY_PATH})\s*=")
_KEY_PART = re.compile(_BARE_OR_QUOTED)


def _split_key(key_path: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in _KEY_PART.findall(key_path))


def _key_lines(text: str) -> dict[tuple[str | int, ...], int]:
    """Line number of each table header and key, by path: ("steps", 2, "kind") -> 31.

    A light scan, not a parser (the text has already parsed): it follows
    [table] and [[array]] headers and skips the inside of multi-line strings.
    """
    lines: dict[tuple[str | int, ...], int] = {}
    table: tuple[str | int, ...] = ()
    counts: dict[tuple[str, ...], int] = {}
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string:
            if line.count(in_string) % 2:
                in_string = None
            continue
        header = _HEADER.match(line)
        if header:
            parts = _split_key(header[2])
            if header[1] == "[[":
                index = counts.get(parts, 0)
                counts[parts] = index + 1
                table = (*parts, index)
            else:
                table = parts
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            lines.setdefault((*table, *_split_key(key[1])), number)
            rest = line[key.end() :]
            for quotes in ('"""', "'''"):
                if rest.count(quotes) % 2:
                    in_string = quotes
                    break
    return lines


def _line_of(lines: dict[tuple[str | int, ...], int], where: tuple[str | int, ...]) -> int:
    """The line of `where`, or of its nearest enclosing key or table; 1 if none."""
    while where:
        if where in lines:
            return lines[where]
        inside = [line for path, line in lines.items() if path[: len(where)] == where]
        if inside:  # e.g. ("steps",) written as [[steps]] tables: the first of them
            return min(inside)
        where = where[:-1]
    return 1
