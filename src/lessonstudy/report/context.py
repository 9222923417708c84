"""The write-up's context: the study as plain data for the templates.

Templates only ever see what is built here (dicts, lists, strings, numbers),
never the model objects: a template cannot reach a case pupil's private note
because it is not in the context. Evidence comes from `process` (the same
grid and journeys the app shows), so the write-up and the discussion agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from lessonstudy import process
from lessonstudy.errors import LessonStudyError
from lessonstudy.model import (
    CasePupil,
    Discussion,
    Interview,
    IntervieweeKind,
    Judgement,
    Observation,
    ResearchLesson,
    Study,
)

# A full study can hold a hundred notes per pupil and stage; a write-up that
# lists them all is unreadable. Critical incidents are always listed, then
# the earliest notes up to this many; the rest are counted.
NOTES_PER_CELL = 6

# Shown as a key wherever judgements appear; order = how the group reads them.
JUDGEMENT_ORDER = (Judgement.AS_PREDICTED, Judgement.BETTER, Judgement.LESS, Judgement.UNEXPECTED)

Data = dict[str, Any]


def long_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def judgement_data(judgement: Judgement | None) -> Data | None:
    if judgement is None:
        return None
    return {"key": judgement.value, "symbol": judgement.symbol, "words": judgement.words}


def pupil_name(pupil: CasePupil) -> str:
    """Label and pseudonym only: "A (Sam)", or "A" while the pseudonym is blank."""
    pseudonym = pupil.pseudonym.strip()
    return f"{pupil.label} ({pseudonym})" if pseudonym else pupil.label


def build_context(study: Study) -> Data:
    pupils = {p.label: p for p in study.pupils}
    names = {label: pupil_name(p) for label, p in pupils.items()}
    step_titles = _step_titles(study.overview.protocol)
    lessons = [_lesson(study, lesson, names, step_titles) for lesson in study.lessons]
    quotes = [quote for lesson in lessons for quote in lesson["quotes"]]
    overview = study.overview
    details = overview.class_details
    return {
        "title": overview.title or "Lesson study",
        "focus": overview.focus,
        "question": overview.research_question,
        "technique": overview.technique,
        "evidence": overview.evidence,
        "aim": overview.aim,
        "class": {
            "year_group": details.year_group,
            "pupil_count": details.pupil_count,
            "attainment": details.attainment,
            "usual_teacher": details.usual_teacher,
            "subject": details.subject,
        },
        "members": [
            {"name": m.name, "roles": ", ".join(role.words for role in m.roles)}
            for m in study.members
        ],
        "pupils": [
            {
                "label": p.label,
                "pseudonym": p.pseudonym,
                "name": names[p.label],
                "learner_group": p.learner_group,
                "why_chosen": p.why_chosen,
                "starting_point": p.starting_point,
            }
            for p in study.pupils
        ],
        "lessons": lessons,
        "journeys": [_journey(study, p, names[p.label]) for p in study.pupils],
        "quotes": quotes,
        "key_quotes": _key_quotes(quotes),
        "findings": {
            "pupils_learning": study.findings.pupils_learning,
            "practice_developed": study.findings.practice_developed,
            "to_share": study.findings.to_share,
        },
        "open_house": _open_house(study, lessons),
        "judgements": [judgement_data(j) for j in JUDGEMENT_ORDER],
    }


# --------------------------------------------------------------------------- lessons


def _lesson(
    study: Study, lesson: ResearchLesson, names: dict[str, str], step_titles: dict[str, Any]
) -> Data:
    grid = process.evidence_grid(study, lesson.number)
    following = study.lesson(lesson.number + 1)
    interviews = [_interview(i, names) for i in study.lesson_interviews(lesson.number)]
    return {
        "number": lesson.number,
        "name": f"RL{lesson.number}",
        "date": long_date(lesson.date),
        "time": lesson.time,
        "aspect": lesson.aspect,
        "objective": lesson.objective,
        "teacher": lesson.teacher,
        "observers": [
            {"name": observer, "pupils": ", ".join(names.get(x, x) for x in labels)}
            for observer, labels in lesson.assignments.items()
        ],
        "learning_intentions": lesson.learning_intentions,
        "success_criteria": lesson.success_criteria,
        "pupil_success_criteria": [
            {"pupil": names[label], "text": lesson.pupil_success_criteria[label]}
            for label in names
            if lesson.pupil_success_criteria.get(label, "").strip()
        ],
        "resources": lesson.resources,
        "initial_thoughts": lesson.initial_thoughts,
        "carried_in": [{"text": c.text, "done": c.done} for c in lesson.carried_changes],
        "stages": [_stage(row, names) for row in grid.rows],
        "has_notes": any(cell.notes for row in grid.rows for cell in row.cells.values()),
        "interviews": interviews,
        "quotes": [
            {"text": a["answer"], "who": i["who"], "lesson": f"RL{lesson.number}"}
            for i in interviews
            for a in i["answers"]
            if a["quote"]
        ],
        "discussion": _discussion(study.discussion(lesson.number), step_titles),
        "next": (
            {
                "name": f"RL{following.number}",
                "carried": [{"text": c.text, "done": c.done} for c in following.carried_changes],
            }
            if following
            else None
        ),
    }


def _stage(row: process.EvidenceRow, names: dict[str, str]) -> Data:
    stage = row.stage
    return {
        "number": row.number,
        "title": stage.title or f"Stage {row.number}",
        "minutes": stage.minutes,
        "teacher_activity": stage.teacher_activity,
        "pupil_activity": stage.pupil_activity,
        "assessment": stage.assessment,
        "patterns": stage.patterns,
        "cells": [_cell(label, names[label], cell) for label, cell in row.cells.items()],
        "class_notes": _notes(row.class_notes)[0],
    }


def _cell(label: str, name: str, cell: process.EvidenceCell) -> Data:
    notes, more = _notes(cell.notes)
    counts = cell.judgements
    return {
        "label": label,
        "pupil": name,
        "prediction": cell.prediction,
        "observed": cell.observed,
        "judgement": judgement_data(cell.summary),
        "counts": [
            {**(judgement_data(j) or {}), "count": counts[j]} for j in JUDGEMENT_ORDER if counts[j]
        ],
        "critical": cell.critical,
        "notes": notes,
        "more_notes": more,
    }


def _notes(notes: tuple[Observation, ...]) -> tuple[list[Data], int]:
    """The notes to print (critical ones first, then the earliest) and how many were left out."""
    chosen = [n for n in notes if n.critical][:NOTES_PER_CELL]
    for note in notes:
        if len(chosen) >= NOTES_PER_CELL:
            break
        if not note.critical:
            chosen.append(note)
    chosen.sort(key=lambda n: n.at)
    return [
        {
            "time": note.at.strftime("%H:%M"),
            "observer": note.observer,
            "text": note.text,
            "judgement": judgement_data(note.judgement),
            "critical": note.critical,
        }
        for note in chosen
    ], len(notes) - len(chosen)


def _interview(interview: Interview, names: dict[str, str]) -> Data:
    if interview.kind is IntervieweeKind.CASE_PUPIL and interview.interviewee in names:
        who = f"Pupil {names[interview.interviewee]}"
    else:
        who = interview.interviewee
    return {
        "who": who,
        "interviewer": interview.interviewer,
        "answers": [
            {"prompt": a.prompt, "answer": a.answer, "quote": a.quote}
            for a in interview.answers
            if a.answer.strip()
        ],
    }


def _step_titles(protocol_name: str) -> dict[str, Any]:
    """Step id -> (title, kind), in the protocol's order; empty if the protocol is not here."""
    try:
        from lessonstudy.protocols import load_protocol

        protocol = load_protocol(protocol_name or "english")
    except (LessonStudyError, ImportError):
        return {}
    return {step.id: (step.title, str(step.kind)) for step in protocol.steps}


def _discussion(discussion: Discussion | None, step_titles: dict[str, Any]) -> Data | None:
    if discussion is None:
        return None
    order = [s for s in step_titles if s in discussion.records]
    order += [s for s in discussion.records if s not in step_titles]
    steps = []
    for step_id in order:
        title, kind = step_titles.get(step_id, (step_id.replace("_", " ").capitalize(), ""))
        points = [p for p in discussion.records[step_id] if p.strip()]
        # The agreed changes have their own list below; do not print them twice.
        if points and not (kind == "agreed_changes" and discussion.agreed_changes):
            steps.append({"title": title, "points": points})
    return {
        "date": long_date(discussion.date),
        "chair": discussion.chair,
        "recorder": discussion.recorder,
        "attendees": ", ".join(discussion.attendees),
        "steps": steps,
        "agreed_changes": [c for c in discussion.agreed_changes if c.strip()],
        "commentator_remarks": discussion.commentator_remarks,
    }


# --------------------------------------------------------------------------- across lessons


def _journey(study: Study, pupil: CasePupil, name: str) -> Data:
    points = []
    for point in process.pupil_journey(study, pupil.label):
        counts = point.judgements
        points.append(
            {
                "lesson": f"RL{point.lesson}",
                "judgement": judgement_data(point.summary),
                "counts": [
                    {**(judgement_data(j) or {}), "count": counts[j]}
                    for j in JUDGEMENT_ORDER
                    if counts[j]
                ],
                "notes": point.notes,
                "critical": point.critical,
            }
        )
    return {
        "label": pupil.label,
        "pupil": name,
        "learner_group": pupil.learner_group,
        "points": points,
    }


POSTER_QUOTES = 4
SHORT_QUOTE = 200  # characters: a poster has room for a sentence or two


def _key_quotes(quotes: list[Data]) -> list[Data]:
    """A few quotes for the poster: short ones first, the latest lessons first, then in order."""
    ranked = sorted(
        range(len(quotes)),
        key=lambda i: (len(quotes[i]["text"]) > SHORT_QUOTE, -i),
    )
    return [quotes[i] for i in sorted(ranked[:POSTER_QUOTES])]


def _open_house(study: Study, lessons: list[Data]) -> Data:
    house = study.open_house
    number = house.lesson or (study.lessons[-1].number if study.lessons else None)
    plan = next((lesson for lesson in lessons if lesson["number"] == number), None)
    return {
        "date": long_date(house.date),
        "place": house.place,
        "lesson": plan,
        "invitees": house.invitees,
        "briefing": house.briefing,
        "visitor_notes": house.visitor_notes,
    }
