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
    CLASS,
    CasePupil,
    Discussion,
    Interview,
    IntervieweeKind,
    Judgement,
    Observation,
    ResearchLesson,
    Study,
)

# Shown as a key wherever judgements appear; order = how the group reads them.
JUDGEMENT_ORDER = process.JUDGEMENT_ORDER

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
        "journeys": _journeys(study, names),
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
    started = process.lesson_start(study.marks, lesson.number)
    counts = process.prediction_counts(lesson, list(names), started)
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
        # Notes in no stage of the plan (before the first stage, after the end): every
        # note is in the write-up, and these under a heading of their own.
        "unplaced": [_note(note, names) for note in grid.unplaced],
        "notes_count": grid.note_count,
        "predictions": {
            "cells": counts.cells,
            "written": counts.written,
            "carried": counts.carried,
            "missing": counts.missing,
            "before_teaching": counts.before_teaching,
            "undated": counts.undated,
            "changed_after_start": counts.changed_after_start,
            "taught": started is not None,
        },
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
        "class_notes": [_note(note, names) for note in row.class_notes],
    }


def verdict(cell_verdict: process.CellVerdict) -> Data:
    """A cell's verdict as the write-up prints it: the group's judgement where it
    made one, else the notes' marks counted (never a verdict worked out from them)."""
    return {
        "judgement": judgement_data(cell_verdict.judgement),
        "counts": [
            {**(judgement_data(j) or {}), "count": count} for j, count in cell_verdict.counts
        ],
        "words": cell_verdict.words,
        "notes": cell_verdict.notes,
    }


def _cell(label: str, name: str, cell: process.EvidenceCell) -> Data:
    cell_verdict = verdict(cell.verdict)
    return {
        "label": label,
        "pupil": name,
        "prediction": cell.prediction,
        "changed": (
            {"text": cell.changed_to, "when": _when(cell.changed_at)}
            if cell.changed_to is not None
            else None
        ),
        "observed": cell.observed,
        "verdict": cell_verdict,
        # The group's judgement (None where it made none: the counts say the rest).
        "judgement": cell_verdict["judgement"],
        "counts": cell_verdict["counts"],
        "critical": cell.critical,
        "notes": [_note(note, {}) for note in cell.notes],
    }


def _when(moment: dt.datetime | None) -> str:
    return f"{moment.day} {moment:%B %Y, %H:%M}" if moment else ""


def _note(note: Observation, names: dict[str, str]) -> Data:
    """One note as printed; `names` given: who it is about as well."""
    about = "the class" if note.about == CLASS else names.get(note.about, note.about)
    return {
        "time": note.at.strftime("%H:%M"),
        "observer": note.observer,
        "about": about,
        "text": note.text,
        "judgement": judgement_data(note.judgement),
        "critical": note.critical,
    }


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
        # Everything the recorder noted reaches the write-up; at the agreed-changes
        # step these are the points noted while agreeing them (the changes
        # themselves are listed below).
        if points:
            if kind == "agreed_changes":
                title = f"{title}: noted while agreeing them"
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


def _journeys(study: Study, names: dict[str, str]) -> list[Data]:
    journeys = process.pupil_journeys(study)
    return [_journey(p, names[p.label], journeys[p.label]) for p in study.pupils]


def _journey(pupil: CasePupil, name: str, journey: list[process.JourneyPoint]) -> Data:
    points = []
    for point in journey:
        counts = point.judgements
        points.append(
            {
                "lesson": f"RL{point.lesson}",
                # Stage by stage: the group's judgement where it made one, else counts.
                "stages": [verdict(v) for v in point.verdicts],
                "judged": [
                    {"stage": number, **(judgement_data(v.judgement) or {})}
                    for number, v in enumerate(point.verdicts, start=1)
                    if v.judgement is not None
                ],
                "counts": [
                    {**(judgement_data(j) or {}), "count": counts[j]}
                    for j in JUDGEMENT_ORDER
                    if counts[j]
                ],
                "notes": point.notes,
                "unplaced": point.unplaced,
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
