"""Plain-words explanations shown with F1: lesson study as a whole (here) and each
step of it (beside the step's screen, in `lessonstudy.tui.steps.STEP_SCREENS`).

Written for a teacher meeting lesson study for the first time: what the step
is for, what the group does in it, and what "done" looks like here.
"""

from __future__ import annotations

from lessonstudy.cycle import StepKind

LESSON_STUDY_HELP = """\
# Lesson study, step by step

A small group of teachers picks one aspect of pupils' learning to improve and a
technique that may help. Together they plan a **research lesson**, predict how
three **case pupils** will respond at each stage, watch those pupils while one
of the group teaches, talk to a few pupils afterwards, and discuss what they
saw. The changes they agree shape the next research lesson. After about three
cycles they share what they learned in an **open house** and a **write-up**.

The study map shows every step. **Enter** opens the highlighted step; the
next step to do is marked with ▶. Everything you type is saved as you type it.

Symbols: ✓ done · ◐ started · ○ not started · ! something needs a look.
"""


def step_help(kind: StepKind | None) -> str:
    """The explanation for a step (None: lesson study as a whole), in Markdown."""
    from lessonstudy.tui.steps import STEP_SCREENS

    return LESSON_STUDY_HELP if kind is None else STEP_SCREENS[kind].help
