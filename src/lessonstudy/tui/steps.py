"""How the app shows each step of the cycle (`lessonstudy.cycle.STEPS`): its screen
and its help, side by side, gathered in `STEP_SCREENS`.

One opener per step kind: it imports the step's screen when the step is first
opened (so the first screen of the app does not wait for them all) and shows
it. A fault in a screen is not hidden here: it stops the app with its traceback,
and the command line then says in plain words what happened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from lessonstudy.cycle import StepKind

if TYPE_CHECKING:
    from textual.app import App

    from lessonstudy.store import StudyFile

Opener = Callable[["App[Any]", "StudyFile", "int | None"], None]


# ------------------------------------------------------------------ initial


def _initial(app: App[Any], study_file: StudyFile, _lesson: int | None) -> None:
    from lessonstudy.tui.screens.initial_meeting import InitialMeetingScreen

    app.push_screen(InitialMeetingScreen(study_file))


INITIAL_HELP = """\
# The initial meeting

The group agrees what it wants to learn about:

- **Focus** – "we want to learn how to improve the way pupils learn ..."
- **Research question** and the **technique** you will develop; any
  **evidence** or reading you looked at; the **aim** of the lessons.
- **The class** the lessons will be taught to.
- **Group members and roles** (chair, recorder, final commentator ...).
- **The protocol**: how the post-lesson discussion will run, and the ground
  rules. Read them together, change what you want, then tick "we agree".
- **Case pupils** (usually three): each typical of a group of learners. Use a
  pseudonym or initials, never a real name. The private note never leaves this
  file: it is not exported and never appears in a report.

Done when the focus, question, technique, members, pseudonyms and the agreed
protocol are all there.
"""


# ------------------------------------------------------------------ plan


def _plan(app: App[Any], study_file: StudyFile, lesson: int | None) -> None:
    from lessonstudy.tui.screens.plan import PlanScreen

    app.push_screen(PlanScreen(study_file, _number(lesson)))


PLAN_HELP = """\
# Planning a research lesson

Plan the lesson together, one stage at a time:

1. Agree each case pupil's current level and what they should be able to do by
   the end (each pupil's success criterion).
2. Plan the **stages**: what the teacher does, what pupils do, how long.
3. For **every stage and every case pupil**, write how you **predict** they
   will respond. The grid shows missing predictions in orange.
4. Say how you will assess each stage: what evidence you will look for.
5. Note resources, and **assign observers** so no case pupil goes unobserved.

From the second lesson on, the plan starts as a copy of the last one and the
changes agreed in the discussion appear as a checklist: tick each one as you
work it in. Copied predictions are marked ↻ until you look at each again:
**Enter** edits it, **c** keeps it as it is for this lesson.

Once the lesson has begun, its predictions are sealed: you can still change
one, but the write-up shows what was predicted before the lesson, and the
change with its time.
"""


# ------------------------------------------------------------------ observe


def _observe(app: App[Any], study_file: StudyFile, lesson: int | None) -> None:
    """Observing starts by asking who is taking the notes."""
    from lessonstudy.tui.screens.map_dialogs import WhoAreYouDialog

    number = _number(lesson)

    def chosen(observer: str | None) -> None:
        if observer:
            observe(app, study_file, number, observer)

    app.push_screen(WhoAreYouDialog(study_file, number), chosen)


def observe(app: App[Any], study_file: StudyFile, lesson: int, observer: str) -> None:
    """The observation screen of `lesson` for `observer` (`lessonstudy observe --as`)."""
    from lessonstudy.tui.screens.observe import ObserveScreen

    app.push_screen(ObserveScreen(study_file, lesson, observer))


OBSERVE_HELP = """\
# Teaching and observing

One of the group teaches; the others watch **their case pupils' learning**,
not the teacher. Note what you see and hear, with the stage, and judge it
against the prediction: as predicted, better, less, or unexpected. Flag
critical moments. Do not help or talk to pupils during the lesson.

**Taking a note:** press the pupil's letter (**0** for the class), then if you
like the judgement (**=** as predicted, **+** better, **-** less, **?**
unexpected) and **!** for a critical moment, in either order; then type what
you saw and press **Enter**. The time and the stage fill themselves in.

**One clock for the lesson:** **ctrl+n** moves the lesson to the next stage
when the teacher does (**ctrl+b** back), on everyone's screen: one person can
keep the clock for the group. **ctrl+l** ends the lesson. A note taken before
the first stage or after the end is "in no stage": place it at the end of the
lesson, or in the discussion.

**Your notes:** **Tab** goes to the list. **Enter** corrects a note (its text,
pupil, judgement, critical flag or stage); the **Delete** key deletes it, and
**ctrl+z** brings it back. Letters typed there go to the note line.
"""


# ------------------------------------------------------------------ interviews


def _interviews(app: App[Any], study_file: StudyFile, lesson: int | None) -> None:
    from lessonstudy.tui.screens.interviews import InterviewsScreen

    app.push_screen(InterviewsScreen(study_file, _number(lesson)))


INTERVIEWS_HELP = """\
# Pupil interviews

Straight after the lesson, talk to a few pupils for about five minutes each.
Keep their exact words: they are some of the best evidence you will have.
"""


# ------------------------------------------------------------------ discussion


def _discussion(app: App[Any], study_file: StudyFile, lesson: int | None) -> None:
    from lessonstudy.tui.screens.discussion import DiscussionScreen

    app.push_screen(DiscussionScreen(study_file, _number(lesson)))


DISCUSSION_HELP = """\
# The post-lesson discussion

Ideally within 24 hours. The chair takes the group through the agreed order:
each case pupil, stage by stage, what was predicted against what was seen;
then the interviews; then what to change. The changes you agree become the
checklist of the next plan as you type them.

**The group's judgement:** on the grid, **=** **+** **-** **?** record what the
group agrees about the pupil at that stage (**Backspace** takes it back). The
notes' own marks are counted beside it; the write-up prints the group's
judgement, or else only the counts. Notes in no stage are listed under the
grid: **Tab** to them and press the stage's number to place one.

**The recorder** just types: whatever is typed goes to the point being
written, and **Enter** adds it, in every step.
"""


# ------------------------------------------------------------------ open house


def _open_house(app: App[Any], study_file: StudyFile, _lesson: int | None) -> None:
    from lessonstudy.tui.screens.open_house import OpenHouseScreen

    app.push_screen(OpenHouseScreen(study_file))


OPEN_HOUSE_HELP = """\
# Findings and the open house

After the last cycle, say what you learned about pupils' learning and about
the practice you developed, then share it with colleagues in an open-house
lesson: a public research lesson with a briefing and a discussion afterwards.
"""


# ------------------------------------------------------------------ write up


def _write_up(app: App[Any], study_file: StudyFile, _lesson: int | None) -> None:
    from lessonstudy.tui.screens.writeup import WriteUpScreen

    app.push_screen(WriteUpScreen(study_file))


WRITE_UP_HELP = """\
# The write-up

Capture what you learned in a report, handout or poster for colleagues.
Pupils appear by pseudonym only.
"""


class StepScreen(NamedTuple):
    """How the app shows one step of the cycle."""

    open: Opener  # push the step's screen (importing it on first use)
    help: str  # what the step is for, in plain words (Markdown): F1 on its screen


STEP_SCREENS: dict[StepKind, StepScreen] = {
    StepKind.INITIAL: StepScreen(_initial, INITIAL_HELP),
    StepKind.PLAN: StepScreen(_plan, PLAN_HELP),
    StepKind.OBSERVE: StepScreen(_observe, OBSERVE_HELP),
    StepKind.INTERVIEWS: StepScreen(_interviews, INTERVIEWS_HELP),
    StepKind.DISCUSSION: StepScreen(_discussion, DISCUSSION_HELP),
    StepKind.OPEN_HOUSE: StepScreen(_open_house, OPEN_HOUSE_HELP),
    StepKind.WRITE_UP: StepScreen(_write_up, WRITE_UP_HELP),
}


def _number(lesson: int | None) -> int:
    if lesson is None:  # cycle.parse_step_id gives every step of a lesson its number
        raise ValueError("a step of a research lesson needs the lesson's number")
    return lesson
