"""How the interviews screen words an interview: who, the timer, the list, the summary."""

from __future__ import annotations

import datetime as dt

from rich.console import Group, RenderableType
from rich.text import Text

from lessonstudy.model import (
    Interview,
    IntervieweeKind,
    Study,
)
from lessonstudy.printable import printable
from lessonstudy.words import short

INTERVIEW_SECONDS = 5 * 60
STALE_SECONDS = 60 * 60  # after an hour the timer gives way to when it happened
NEW_INTERVIEW = "new"
QUOTE_MARK = "❝"
LIST_TEXT_WIDTH = 25  # the interview list is 28 wide: its border and padding take 3
KIND_WORDS = {
    IntervieweeKind.CASE_PUPIL: "case pupil",
    IntervieweeKind.OTHER_PUPIL: "another pupil",
    IntervieweeKind.GROUP: "small group",
}


def interviewee_words(study: Study, interview: Interview) -> str:
    if interview.kind is IntervieweeKind.CASE_PUPIL:
        pupil = study.pupil(interview.interviewee)
        name = f" {pupil.pseudonym}" if pupil and pupil.pseudonym else ""
        return printable(f"Pupil {interview.interviewee or '?'}{name}")
    return printable(interview.interviewee) or KIND_WORDS[interview.kind]


def timer_text(started: dt.datetime | None, at: dt.datetime) -> Text:
    """'3:12 left' while the five minutes run, 'Time is up (+0:40)' after."""
    if started is None:
        return Text("Timer: 5:00 - starts with the first answer (ctrl+t)", style="dim")
    elapsed = int((at - started).total_seconds())
    if elapsed > STALE_SECONDS:  # reading an interview afterwards: no clock to watch
        return Text("")  # the "Held" field beside it says when
    left = INTERVIEW_SECONDS - elapsed
    if left > 0:
        return Text(f"Timer: {left // 60}:{left % 60:02d} left of 5:00", style="bold")
    over = -left
    return Text(f"Time is up (+{over // 60}:{over % 60:02d})", style="bold reverse")


def interviews_summary(study: Study, interviews: list[Interview]) -> RenderableType:
    """What the pupils said: quotes flagged for the write-up first, then every answer."""
    if not interviews:
        return Text("No interviews recorded for this lesson yet.", style="dim")
    parts: list[RenderableType] = []
    quotes = [(i, a) for i in interviews for a in i.answers if a.quote and a.answer.strip()]
    if quotes:
        parts.append(Text(f"{QUOTE_MARK} Quotes for the write-up", style="bold"))
        for interview, answer in quotes:
            line = Text(printable(f'  "{answer.answer.strip()}"'), style="bold")
            line.append(f" - {interviewee_words(study, interview)}", style="dim")
            parts.append(line)
        parts.append(Text(""))
    for interview in interviews:
        heading = Text(interviewee_words(study, interview), style="bold underline")
        heading.append(f" ({KIND_WORDS[interview.kind]})", style="dim")
        if interview.interviewer:
            heading.append(printable(f" interviewed by {interview.interviewer}"), style="dim")
        parts.append(heading)
        answered = [a for a in interview.answers if a.answer.strip()]
        if not answered:
            parts.append(Text("  no answers typed", style="dim"))
        for answer in answered:
            parts.append(Text(printable(f"  {answer.prompt}"), style="italic"))
            said = Text(f"    {QUOTE_MARK} " if answer.quote else "    ")
            said.append(printable(answer.answer.strip()), style="bold" if answer.quote else "")
            parts.append(said)
        parts.append(Text(""))
    return Group(*parts)


def list_entry(study: Study, interview: Interview) -> Text:
    """Three short lines for the list: who, by whom, how far. Cut, never wrapped,
    so each interview keeps its three lines in the narrow list."""
    width = LIST_TEXT_WIDTH
    answered = sum(1 for a in interview.answers if a.answer.strip())
    entry = Text(short(interviewee_words(study, interview), width), style="bold")
    by = KIND_WORDS[interview.kind] if interview.kind is not IntervieweeKind.CASE_PUPIL else ""
    if interview.interviewer:
        by = f"{by}, by {interview.interviewer}" if by else f"by {interview.interviewer}"
    entry.append(f"\n  {short(printable(by), width - 2)}")
    entry.append(f"\n  {answered}/{len(interview.answers)} answered", style="dim")
    quotes = sum(1 for a in interview.answers if a.quote)
    if quotes:
        entry.append(f", {quotes} {QUOTE_MARK}", style="bold")
    return entry


def questions_text(questions: str) -> Text:
    """What the observers jotted to ask in the interviews, at the end of the lesson."""
    text = Text("Observers' questions to ask: ", style="bold")
    text.append(printable(" ".join(questions.split())))
    return text
