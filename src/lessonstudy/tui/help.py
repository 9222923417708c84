"""Plain-words explanations of each step of lesson study, shown with F1.

Written for a teacher meeting lesson study for the first time: what the step
is for, what the group does in it, and what "done" looks like here.
"""

from __future__ import annotations

from lessonstudy.process import StepKind

STEP_HELP: dict[StepKind | None, str] = {
    None: """\
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
""",
    StepKind.INITIAL: """\
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
""",
    StepKind.PLAN: """\
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
""",
    StepKind.OBSERVE: """\
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
""",
    StepKind.INTERVIEWS: """\
# Pupil interviews

Straight after the lesson, talk to a few pupils for about five minutes each.
Keep their exact words: they are some of the best evidence you will have.
""",
    StepKind.DISCUSSION: """\
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
""",
    StepKind.OPEN_HOUSE: """\
# Findings and the open house

After the last cycle, say what you learned about pupils' learning and about
the practice you developed, then share it with colleagues in an open-house
lesson: a public research lesson with a briefing and a discussion afterwards.
""",
    StepKind.WRITE_UP: """\
# The write-up

Capture what you learned in a report, handout or poster for colleagues.
Pupils appear by pseudonym only.
""",
}


def step_help(kind: StepKind | None) -> str:
    """The explanation for a step (None: lesson study as a whole), in Markdown."""
    return STEP_HELP.get(kind, STEP_HELP[None])
