"""The steps of the Lesson Study cycle, declared once.

Each step of the cycle is one `StepInfo` in `STEPS`, in the order a group works
through them: its kind, its title and whether it comes once per research lesson.
Everything that lists or names steps reads it from here: the process (which
works out each step's state: `process.steps`), the study map, the command
palette, the cached summary and `lessonstudy info`. The app's screen for each
kind is registered in `lessonstudy.tui.steps`.

Standard library only: the map and `lessonstudy info` show a cached summary
with these names and symbols before the model is imported.
"""

from __future__ import annotations

import enum
from typing import NamedTuple


class StepKind(enum.Enum):
    INITIAL = "initial"
    PLAN = "plan"
    OBSERVE = "observe"
    INTERVIEWS = "interviews"
    DISCUSSION = "discussion"
    OPEN_HOUSE = "open_house"
    WRITE_UP = "write_up"


class StepState(enum.Enum):
    """Worked out from what the group recorded, never a box to tick."""

    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    DONE = "done"

    @property
    def symbol(self) -> str:
        return STATE_SYMBOLS[self.value]


# A symbol as well as a word (and in the app a colour), so a state reads in
# monochrome and on a projector. Keyed by the state's value: the cached summary
# keeps values, and is shown without importing the process.
STATE_SYMBOLS: dict[str, str] = {
    StepState.DONE.value: "✓",
    StepState.IN_PROGRESS.value: "◐",
    StepState.NOT_STARTED.value: "○",
}


class StepInfo(NamedTuple):
    kind: StepKind
    title: str  # "Plan"; a step of one lesson reads "RL2: plan"
    per_lesson: bool  # once per research lesson, or once per study
    # Other words people use for what the step holds: the palette finds the step by them.
    also: str = ""


STEPS: tuple[StepInfo, ...] = (
    StepInfo(
        StepKind.INITIAL,
        "Initial meeting",
        per_lesson=False,
        also="focus research question group members roles case pupils ground rules protocol",
    ),
    StepInfo(
        StepKind.PLAN,
        "Plan",
        per_lesson=True,
        also="lesson plan stages predictions observers success criteria agreed changes",
    ),
    StepInfo(
        StepKind.OBSERVE,
        "Teach & observe",
        per_lesson=True,
        also="observation notes live lesson clock research lesson",
    ),
    StepInfo(StepKind.INTERVIEWS, "Pupil interviews", per_lesson=True, also="pupil voice"),
    StepInfo(
        StepKind.DISCUSSION,
        "Post-lesson discussion",
        per_lesson=True,
        also="reflection debrief evidence grid judgements agreed changes",
    ),
    StepInfo(
        StepKind.OPEN_HOUSE,
        "Open house",
        per_lesson=False,
        also="findings visitors briefing journeys pictures",
    ),
    StepInfo(
        StepKind.WRITE_UP,
        "Write-up",
        per_lesson=False,
        also="report handout poster slides export Word PowerPoint HTML CSV case report print",
    ),
)
"""The cycle in order. The steps of one lesson stand together: those before them
come once before the first lesson, those after them once after the last."""

INFO: dict[StepKind, StepInfo] = {info.kind: info for info in STEPS}


def step_title(kind: StepKind, lesson: int | None) -> str:
    """ "Initial meeting"; "RL2: plan" for a step of research lesson 2."""
    title = INFO[kind].title
    return title if lesson is None else f"RL{lesson}: {title.lower()}"


def step_id(kind: StepKind, lesson: int | None) -> str:
    """ "initial", "plan:2": how the map, the palette and the summary name a step."""
    return kind.value if lesson is None else f"{kind.value}:{lesson}"


def parse_step_id(text: str) -> tuple[StepKind, int | None]:
    """ "plan:2" -> (StepKind.PLAN, 2); "initial" -> (StepKind.INITIAL, None).

    Raises ValueError for an id no step has."""
    kind_text, _, lesson = text.partition(":")
    kind = StepKind(kind_text)
    if INFO[kind].per_lesson != bool(lesson):
        raise ValueError(f"not a step id: {text!r}")
    return kind, int(lesson) if lesson else None


def fingerprint() -> str:
    """Changes whenever a step is added, removed, renamed or moved: a summary cached
    by a version with other steps is then rebuilt, not shown."""
    declared = ",".join(f"{info.kind.value}={info.title}/{info.per_lesson}" for info in STEPS)
    checksum = 0
    for char in declared:  # (zlib would cost more to import than this loop takes)
        checksum = (checksum * 31 + ord(char)) % 2**32
    return f"{checksum:08x}"
