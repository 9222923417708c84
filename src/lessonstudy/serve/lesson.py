"""What the page shows and sends, as plain data: the lesson's stages and
predictions, the shared lesson clock, notes; and the notes a page sends, checked
by the same rules as the app's before they become Observations.

Pure (model and process only): what a visitor may see is decided here, in one
place, and tested without a server. Nothing here ever puts a pupil's private
note, the interviews or any other page of the study into a message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import attrs

from lessonstudy.model import (
    CLASS,
    CasePupil,
    Judgement,
    Observation,
    ResearchLesson,
    StageMark,
)
from lessonstudy.process import running_stage

MAX_NOTE_LENGTH = 4000
MAX_NOTE_AGE = dt.timedelta(hours=12)  # a note kept on a device longer is timed at sending

Message = dict[str, Any]


class PageError(ValueError):
    """A message from a page that breaks a rule: said back to the page in one line."""


# --------------------------------------------------------------------------- what pages see


def plan_message(
    plan: ResearchLesson, pupils: list[CasePupil], yours: list[str], *, title: str
) -> Message:
    """The stages and their predictions, and the case pupils (label and pseudonym only)."""
    labels = [pupil.label for pupil in pupils]
    return {
        "t": "plan",
        "title": title,
        "stages": [
            {
                "id": str(stage.id),
                "number": number,
                "title": stage.title,
                "minutes": stage.minutes,
                "predictions": {
                    label: stage.predictions.get(label, "").strip() for label in labels
                },
            }
            for number, stage in enumerate(plan.stages, start=1)
        ],
        "pupils": [{"label": p.label, "pseudonym": p.pseudonym} for p in pupils],
        "yours": [label for label in yours if label in labels or label == CLASS],
    }


def clock_message(
    plan: ResearchLesson, marks: list[StageMark], now: dt.datetime, *, with_names: bool
) -> Message:
    """The stage running now on the lesson's one shared timeline, and since when."""
    started = [m for m in marks if m.lesson == plan.number and m.at <= now]
    latest = max(started, key=lambda m: m.at) if started else None
    stage = running_stage(plan, marks, now)
    message: Message = {
        "t": "clock",
        "stage": None if stage is None else str(stage.id),
        "number": None if stage is None else plan.stage_number(stage.id),
        "since": None if latest is None else latest.at.isoformat(),
        "mark": None if latest is None else str(latest.id),  # sent back with a move
        "started": latest is not None,
        "ended": latest is not None and latest.stage_id is None,
        "server_now": now.isoformat(),
    }
    if with_names and latest is not None:
        message["by"] = latest.observer
    return message


def note_view(note: Observation, plan: ResearchLesson) -> Message:
    return {
        "id": str(note.id),
        "observer": note.observer,
        "at": note.at.isoformat(),
        "about": note.about,
        "text": note.text,
        "judgement": note.judgement.symbol if note.judgement else None,
        "critical": note.critical,
        "deleted": note.deleted,
        "revision": note.revision,
        "stage": plan.stage_number(note.stage_id),
        "stage_id": None if note.stage_id is None else str(note.stage_id),
        "stage_chosen": note.stage_chosen,  # else: the stage running at its time
    }


# --------------------------------------------------------------------------- what pages send


def note_from_message(
    message: Message,
    *,
    plan: ResearchLesson,
    labels: list[str],
    observer: str,
    received_at: dt.datetime,
) -> Observation:
    """A new note from a page. Its time is when it was begun on the device, told
    as an age (the device's clock may be wrong, its stopwatch is not). Its stage
    is nobody's choice: the store gives it the stage running then on the
    lesson's one timeline, as for a note typed in the app."""
    age_ms = message.get("age_ms", 0)
    if not isinstance(age_ms, int) or isinstance(age_ms, bool):
        raise PageError("the note's age is not a number")
    age = min(max(dt.timedelta(milliseconds=age_ms), dt.timedelta(0)), MAX_NOTE_AGE)
    return Observation(
        id=note_id(message.get("id")),
        lesson=plan.number,
        observer=observer,
        at=received_at - age,
        stage_chosen=False,
        **_content(message, labels),
    )


def edited_note(
    message: Message, current: Observation, labels: list[str], plan: ResearchLesson
) -> Observation:
    """A correction (or deletion, or bringing back) of `current`, from its own observer.

    A correction may also say which stage the note belongs to (`"stage"`: a stage id
    of the plan, chosen by the observer, or null: the stage running at the note's
    time on the lesson's timeline), as the app's own correction can."""
    deleted = message.get("deleted", current.deleted)
    if not isinstance(deleted, bool):
        raise PageError("'deleted' must be true or false")
    revision = message.get("revision")
    if not isinstance(revision, int) or isinstance(revision, bool) or revision < 1:
        raise PageError("the note's revision is missing")
    content = _content(message, labels) if "text" in message else {}
    if "stage" in message:
        content.update(_chosen_stage(message["stage"], plan))
    return attrs.evolve(current, deleted=deleted, revision=revision, **content)


def _chosen_stage(value: object, plan: ResearchLesson) -> dict[str, Any]:
    if value is None:  # back to the timeline: the store places it by its time
        return {"stage_id": None, "stage_chosen": False}
    stages = {str(stage.id): stage.id for stage in plan.stages}
    if not isinstance(value, str) or value not in stages:
        raise PageError("that stage is not in the lesson's plan")
    return {"stage_id": stages[value], "stage_chosen": True}


def same_content(a: Observation, b: Observation) -> bool:
    """True when a correction changes nothing (sent twice, or made twice)."""
    if a.stage_chosen != b.stage_chosen or (a.stage_chosen and a.stage_id != b.stage_id):
        return False
    fields = ("about", "text", "judgement", "critical", "deleted")
    return all(getattr(a, name) == getattr(b, name) for name in fields)


def note_id(value: object) -> UUID:
    """A note id sent by a page (made on the device, so a resent note is stored once)."""
    if not isinstance(value, str):
        raise PageError("the note has no id")
    try:
        parsed = UUID(value)
    except ValueError:
        raise PageError("the note's id is not a UUID") from None
    if parsed.int == 0:
        raise PageError("the note's id is not a UUID")
    return parsed


def _content(message: Message, labels: list[str]) -> dict[str, Any]:
    about = message.get("about")
    if about != CLASS and about not in labels:
        choices = ", ".join([*labels, CLASS])
        raise PageError(f"pick who the note is about ({choices})")
    text = message.get("text")
    if not isinstance(text, str) or not text.strip():
        raise PageError("the note has no text")
    if len(text) > MAX_NOTE_LENGTH:
        raise PageError(f"the note is longer than {MAX_NOTE_LENGTH} characters")
    symbol = message.get("judgement")
    judgement: Judgement | None = None
    if symbol is not None:
        if not isinstance(symbol, str):
            raise PageError("unknown judgement mark (use = + - ?)")
        try:
            judgement = Judgement.from_symbol(symbol)
        except ValueError as error:
            raise PageError(str(error)) from None
    critical = message.get("critical", False)
    if not isinstance(critical, bool):
        raise PageError("'critical' must be true or false")
    return {"about": about, "text": text.strip(), "judgement": judgement, "critical": critical}
