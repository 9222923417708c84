"""The write-up's context: the study as plain data for the templates.

Templates only ever see what is built here (dicts, lists, strings, numbers),
never the model objects: a template cannot reach a case pupil's private note
because it is not in the context. Evidence comes from `process` (the same
grid the app shows), so the write-up and the discussion agree. Where the
group has not judged a cell, the context holds the notes' counts, never a
verdict guessed from them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from lessonstudy import process
from lessonstudy.model import (
    CLASS,
    OPEN_HOUSE_LESSON,
    CasePupil,
    Discussion,
    Interview,
    IntervieweeKind,
    Judgement,
    Observation,
    ResearchLesson,
    Study,
)
from lessonstudy.process.timeline import lesson_day
from lessonstudy.report.kinds import KIND_TITLES
from lessonstudy.report.names import group_name, pupil_name, visitor_names

Data = dict[str, Any]


def long_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def short_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%b}" if day else ""


def judgement_data(judgement: Judgement | None) -> Data | None:
    if judgement is None:
        return None
    return {"key": judgement.value, "symbol": judgement.symbol, "words": judgement.words}


# One read-only copy per judgement for the appendix's thousands of rows.
_APPENDIX_JUDGEMENTS: dict[Judgement | None, Data | None] = {
    judgement: judgement_data(judgement) for judgement in [*Judgement, None]
}


def build_context(study: Study, kind: str = "report", *, appendix: bool = True) -> Data:
    """Everything a template may print. Only the report reads every note: for the
    other kinds (and without `appendix`: the case report's metadata) the notes
    appendix is left empty (they are loaded without notes)."""
    pupils = {p.label: p for p in study.pupils}
    names = {label: pupil_name(p) for label, p in pupils.items()}
    step_titles = _step_titles(study.overview.protocol)
    grids = {lesson.number: process.evidence_grid(study, lesson.number) for lesson in study.lessons}
    facts = [process.cycle_facts(study, lesson, grids[lesson.number]) for lesson in study.lessons]
    lessons = [
        _lesson(study, lesson, names, step_titles, grids[lesson.number], cycle)
        for lesson, cycle in zip(study.lessons, facts, strict=True)
    ]
    quotes = [quote for lesson in lessons for quote in lesson["quotes"]]
    progress = [_progress(study, p, names[p.label], lessons) for p in study.pupils]
    # The journeys' before-and-after quotes are not repeated among the key quotes.
    in_journeys = {q["text"] for p in progress for q in (p["before"], p["after"]) if q}
    overview = study.overview
    details = overview.class_details
    findings = study.findings
    return {
        "title": overview.title or "Lesson study",
        "kind": kind,
        "kind_title": KIND_TITLES.get(kind, kind),
        "group": group_name(study),
        "today": long_date(dt.date.today()),
        "useful_for": overview.useful_for,
        "key_points": [p for p in findings.key_points if p.strip()],
        "context": overview.context,
        "group_experience": overview.group_experience,
        "focus": overview.focus,
        "question": overview.research_question,
        "technique": overview.technique,
        "evidence": overview.evidence,
        "decided_against": overview.decided_against,
        "references": [r for r in overview.references if r.strip()],
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
                "learner_group": p.learner_group.strip().rstrip("."),
                "why_chosen": p.why_chosen,
                "starting_point": p.starting_point,
                "end_point": findings.end_points.get(p.label, ""),
            }
            for p in study.pupils
        ],
        "lessons": lessons,
        "progress": progress,
        "quotes": quotes,
        "key_quotes": key_quotes(quotes),
        "poster_quotes": key_quotes([q for q in quotes if q["text"] not in in_journeys]),
        "slide_cycles": slide_cycles(lessons),
        "findings": {
            "pupils_learning": findings.pupils_learning,
            "practice_developed": findings.practice_developed,
            "to_share": findings.to_share,
            "how_shared": findings.how_shared,
            "next_steps": findings.next_steps,
        },
        "open_house": _open_house(study, lessons),
        "methods": _methods(study, lessons, facts, names, step_titles),
        "notes_appendix": (
            _notes_appendix(study, grids) if appendix and kind in ("report", "case-report") else []
        ),
        "judgements": [judgement_data(j) for j in process.JUDGEMENT_ORDER],
    }


# --------------------------------------------------------------------------- lessons


def _lesson(
    study: Study,
    lesson: ResearchLesson,
    names: dict[str, str],
    step_titles: dict[str, Any],
    grid: process.EvidenceGrid,
    facts: process.CycleFacts,
) -> Data:
    counts = facts.predictions
    day = lesson_day(study, lesson)
    interviews = [_interview(i, names, day) for i in study.lesson_interviews(lesson.number)]
    discussion = study.discussion(lesson.number)
    previous = study.lesson(lesson.number - 1)
    return {
        "number": lesson.number,
        "name": f"RL{lesson.number}",
        "date": long_date(day),
        "short_date": short_date(day),
        # Taught on another day than planned: the plan's date is said too.
        "planned_date": long_date(lesson.date) if lesson.date and day != lesson.date else "",
        "time": lesson.time,
        "aspect": lesson.aspect,
        "objective": lesson.objective,
        "teacher": lesson.teacher,
        "observers": [
            {"name": observer, "pupils": ", ".join(names.get(x, x) for x in labels)}
            for observer, labels in lesson.watching.items()
        ],
        "learning_intentions": lesson.learning_intentions,
        "success_criteria": lesson.success_criteria,
        "pupil_success_criteria": [
            {"label": label, "pupil": names[label], "text": lesson.pupil_success_criteria[label]}
            for label in names
            if lesson.pupil_success_criteria.get(label, "").strip()
        ],
        "resources": lesson.resources,
        "initial_thoughts": lesson.initial_thoughts,
        "carried_in": {
            "count": len(lesson.carried_changes),
            # Ticked in the plan as worked in: only these did the lesson take in.
            "done": sum(1 for change in lesson.carried_changes if change.done),
            "from": f"RL{previous.number}" if previous else "",
        },
        "stages": [_stage(row, names) for row in grid.rows],
        "minutes": sum(s.minutes or 0 for s in lesson.stages),
        "notes_count": grid.note_count,
        # Notes in no stage of the plan (before the first stage, after the end):
        # counted here, printed under a heading of their own in the appendix.
        "unplaced": len(grid.unplaced),
        "predictions": {
            "cells": counts.cells,
            "written": counts.written,
            "carried": counts.carried,
            "missing": counts.missing,
            "before_teaching": counts.before_teaching,
            "undated": counts.undated,
            "changed_after_start": counts.changed_after_start,
            "taught": process.lesson_start(study.marks, lesson.number) is not None,
        },
        "interviews": interviews,
        "quotes": [
            {
                "text": a["answer"],
                "who": i["who"],
                "label": i["label"],
                "lesson": f"RL{lesson.number}",
                "number": lesson.number,
            }
            for i in interviews
            for a in i["answers"]
            if a["quote"]
        ],
        "discussion": _discussion(discussion, step_titles, day),
        "changes": _changes(facts.changes),
    }


def verdict(cell: process.EvidenceCell) -> Data:
    """What a cell shows, from THE cell verdict (process.cell_verdict): the group's
    judgement where it made one, else the notes' marks counted, never a verdict
    worked out from them."""
    found = cell.verdict
    return {
        "judgement": judgement_data(found.judgement),
        "counts": [{**(judgement_data(j) or {}), "count": count} for j, count in found.counts],
        "words": found.words,
        "notes": found.notes,
    }


def _when(moment: dt.datetime | None) -> str:
    return f"{moment.day} {moment:%B %Y, %H:%M}" if moment else ""


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
    }


def _cell(label: str, name: str, cell: process.EvidenceCell) -> Data:
    # The notes the group starred for the write-up first, then the critical moments.
    chosen = [n for n in cell.notes if n.starred] + [
        n for n in cell.notes if n.critical and not n.starred
    ]
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
        "verdict": verdict(cell),
        "critical": cell.critical,
        # The notes the body of the report prints; every note is in the appendix.
        "notes": [_note(n) for n in chosen],
    }


def _note(note: Observation, names: dict[str, str] | None = None) -> Data:
    about = "the class" if note.about == CLASS else (names or {}).get(note.about, note.about)
    return {
        "time": note.at.strftime("%H:%M"),
        "about": about,
        "observer": note.observer,
        "text": note.text,
        "judgement": judgement_data(note.judgement),
        "critical": note.critical,
        "starred": note.starred,
    }


def _interview(interview: Interview, names: dict[str, str], day: dt.date | None) -> Data:
    label = ""
    if interview.kind is IntervieweeKind.CASE_PUPIL and interview.interviewee in names:
        label = interview.interviewee
        who = f"Pupil {names[label]}"
    else:
        who = interview.interviewee
    return {
        "who": who,
        "label": label,
        "interviewer": interview.interviewer,
        "when": _when_after(interview.started, day),
        "answers": [
            {"prompt": a.prompt, "answer": a.answer, "quote": a.quote}
            for a in interview.answers
            if a.answer.strip()
        ],
    }


def _when_after(started: dt.datetime | None, day: dt.date | None) -> str:
    """When an interview was held, in words relative to its lesson (held on `day`)."""
    if started is None:
        return ""
    if day is None:
        return f"{started:%H:%M}"
    days = (started.date() - day).days
    if days == 0:
        return f"{started:%H:%M}, the day of the lesson"
    return f"{started:%H:%M}, {_days_after(days)}"


def _days_after(days: int) -> str:
    if days == 0:
        return "the same day"
    if days == 1:
        return "the next day"
    if days < 0:
        return f"{-days} days before"
    return f"{days} days later"


def _step_titles(protocol_name: str) -> dict[str, Any]:
    """Step id -> (title, kind), in the protocol's order; empty if the protocol is not
    here (the write-up then names the study's protocol, not the model used instead)."""
    from lessonstudy.protocols import protocol_or_default

    chosen = protocol_or_default(protocol_name)
    if chosen.problem:
        return {}
    protocol = chosen.protocol
    # "" holds the protocol's own title (step ids are never empty).
    return {"": (protocol.title, ""), **{s.id: (s.title, str(s.kind)) for s in protocol.steps}}


def _discussion(
    discussion: Discussion | None, step_titles: dict[str, Any], day: dt.date | None
) -> Data | None:
    if discussion is None:
        return None
    order = [s for s in step_titles if s and s in discussion.records]
    order += [s for s in discussion.records if s not in step_titles]
    steps = []
    for step_id in order:
        title, _kind = step_titles.get(step_id, (step_id.replace("_", " ").capitalize(), ""))
        points = [p for p in discussion.records[step_id] if p.strip()]
        if points:
            steps.append({"title": title, "points": points})
    gap = ""
    if discussion.date and day:
        gap = _days_after((discussion.date - day).days)
    return {
        "date": long_date(discussion.date),
        "gap": gap,
        "chair": discussion.chair,
        "recorder": discussion.recorder,
        "attendees": ", ".join(discussion.attendees),
        "steps": steps,
        "agreed_changes": [c for c in discussion.agreed_changes if c.strip()],
        "commentator_remarks": discussion.commentator_remarks,
    }


CHANGE_OUTCOMES = {
    process.ChangeStatus.LAST: "after the last research lesson",
    process.ChangeStatus.DROPPED: "not carried into the RL{next} plan",
    process.ChangeStatus.DONE: "worked into the RL{next} plan",
    process.ChangeStatus.OPEN: "on the RL{next} checklist, not yet ticked as worked in",
}


def _changes(changes: process.ChangesCarried) -> Data:
    """Each change agreed after a lesson, once, with what became of it in the next plan."""
    return {
        "agreed": [
            {
                "text": c.text,
                "outcome": CHANGE_OUTCOMES[c.status].format(next=changes.following),
                "status": c.status.value,
            }
            for c in changes.agreed
        ],
        # Changes on the next plan's checklist that were not agreed in these words.
        "extra": [{"text": c.text, "done": c.done} for c in changes.extra],
        "next": f"RL{changes.following}" if changes.following else "",
    }


# --------------------------------------------------------------------------- across lessons


def _pupil_quotes(lessons: list[Data], label: str) -> list[Data]:
    """The pupil's own words, starred ones (flagged quotes) first, in lesson order."""
    quotes = []
    for lesson in lessons:
        for interview in lesson["interviews"]:
            if interview["label"] != label:
                continue
            for answer in interview["answers"]:
                quotes.append(
                    {
                        "text": answer["answer"],
                        "lesson": lesson["name"],
                        "number": lesson["number"],
                        "starred": answer["quote"],
                    }
                )
    starred = [q for q in quotes if q["starred"]]
    return starred if starred else quotes


def _progress(study: Study, pupil: CasePupil, name: str, lessons: list[Data]) -> Data:
    """One case pupil from starting point to the end, against their success criteria."""
    points = []
    for lesson in lessons:
        criterion = next(
            (c["text"] for c in lesson["pupil_success_criteria"] if c["label"] == pupil.label), ""
        )
        cells = [
            c for stage in lesson["stages"] for c in stage["cells"] if c["label"] == pupil.label
        ]
        totals: dict[str, Data] = {}
        for cell in cells:
            for count in cell["verdict"]["counts"]:
                entry = totals.setdefault(count["key"], {**count, "count": 0})
                entry["count"] += count["count"]
        judged = [c["verdict"]["judgement"] for c in cells if c["verdict"]["judgement"]]
        points.append(
            {
                "lesson": lesson["name"],
                "criterion": criterion,
                "counts": [totals[j.value] for j in process.JUDGEMENT_ORDER if j.value in totals],
                "judged": judged,
                "notes": sum(c["verdict"]["notes"] for c in cells),
                "observed_last": next(
                    (c["observed"] for c in reversed(cells) if c["observed"].strip()), ""
                ),
            }
        )
    quotes = _pupil_quotes(lessons, pupil.label)
    before = quotes[0] if quotes else None
    after = quotes[-1] if len(quotes) > 1 and quotes[-1]["number"] > quotes[0]["number"] else None
    return {
        "label": pupil.label,
        "pupil": name,
        "learner_group": pupil.learner_group.strip().rstrip("."),
        "starting_point": pupil.starting_point,
        "end_point": study.findings.end_points.get(pupil.label, ""),
        "points": points,
        "before": before,
        "after": after,
    }


POSTER_QUOTES = 4


def key_quotes(quotes: list[Data]) -> list[Data]:
    """A few quotes for the poster and slides: one per pupil from the latest lesson
    first (so every case pupil speaks), then the latest of the rest, in lesson order."""
    chosen: list[int] = []
    seen: set[str] = set()
    for index in sorted(range(len(quotes)), key=lambda i: -quotes[i]["number"]):
        who = quotes[index]["label"] or quotes[index]["who"]
        if who not in seen:
            seen.add(who)
            chosen.append(index)
    for index in sorted(range(len(quotes)), key=lambda i: -quotes[i]["number"]):
        if len(chosen) >= POSTER_QUOTES:
            break
        if index not in chosen:
            chosen.append(index)
    return [quotes[i] for i in sorted(chosen[:POSTER_QUOTES])]


MAX_CYCLE_SLIDES = 5  # with the seven other slides: at most twelve


def slide_cycles(lessons: list[Data]) -> list[list[Data]]:
    """The lessons, one slide each, or two to a slide when there are many."""
    per_slide = 1 if len(lessons) <= MAX_CYCLE_SLIDES else 2
    return [lessons[i : i + per_slide] for i in range(0, len(lessons), per_slide)]


def _open_house(study: Study, lessons: list[Data]) -> Data:
    house = study.open_house
    number = house.lesson or (study.lessons[-1].number if study.lessons else None)
    plan = next((lesson for lesson in lessons if lesson["number"] == number), None)
    counts = _open_house_counts(study)
    return {
        # Whether the group planned or held one: else the report says nothing of it
        # (the handout still has a plan to print, the last lesson's by default).
        "planned": bool(
            house.lesson
            or house.date
            or house.time
            or house.teacher
            or house.place
            or house.invitees
            or counts["count"]
        ),
        "date": long_date(house.date),
        "time": house.time,
        "teacher": house.teacher,
        "place": house.place,
        "lesson": plan,
        "invitees": house.invitees,
        "briefing": house.briefing,
        "visitor_notes": house.visitor_notes,
        "notes": counts,
    }


def _open_house_counts(study: Study) -> Data:
    """How many notes were taken at the open house itself, and by how many visitors."""
    notes = study.live_notes(OPEN_HOUSE_LESSON)
    guests = study.guest_notes()
    return {
        "count": len(notes),
        "visitors": len({note.observer for note in guests}),
        "by_group": len(notes) - len(guests),
    }


def house_plan_number(study: Study) -> int | None:
    plan = study.open_house_plan()
    return None if plan is None else plan.number


# --------------------------------------------------------------------------- the methods appendix


def _methods(
    study: Study,
    lessons: list[Data],
    facts: list[process.CycleFacts],
    names: dict[str, str],
    step_titles: dict[str, Any],
) -> Data:
    """How the study was done, from what it recorded as it happened (process.cycle_facts)."""
    overview = study.overview
    observers = [
        {
            "lesson": f"RL{cycle.lesson}",
            "stages": cycle.stages,
            "cells": [
                {
                    "observers": ", ".join(cycle.observers.get(label, ())),
                    "stages_seen": cycle.stages_seen.get(label, 0),
                    "predictions": cycle.predictions_written.get(label, 0),
                }
                for label in names
            ],
        }
        for cycle in facts
    ]
    interviews: list[Data] = []
    discussions: list[Data] = []
    for lesson_data in lessons:
        for interview in lesson_data["interviews"]:
            interviews.append(
                {
                    "lesson": lesson_data["name"],
                    "who": interview["who"],
                    "interviewer": interview["interviewer"],
                    "when": interview["when"],
                    "answers": len(interview["answers"]),
                }
            )
        d = lesson_data["discussion"]
        discussions.append(
            {
                "lesson": lesson_data["name"],
                "taught": " ".join(x for x in (lesson_data["date"], lesson_data["time"]) if x),
                "held": d["date"] if d else "",
                "gap": d["gap"] if d else "",
                "chair": d["chair"] if d else "",
                "held_at_all": d is not None,
            }
        )
    return {
        "protocol_agreed": overview.protocol_agreed,
        "ground_rules": overview.protocol_text,
        "protocol": step_titles.get("", (overview.protocol or "english",))[0],
        "steps": [title for step, (title, _kind) in step_titles.items() if step],
        "pupils": [names[label] for label in names],
        "observers": observers,
        "interviews": interviews,
        "discussions": discussions,
        "carried": [
            {
                "lesson": f"RL{cycle.lesson}",
                "next": f"RL{cycle.changes.following}",
                "agreed": len(cycle.changes.agreed),
                "carried": cycle.changes.carried,
                "done": cycle.changes.worked_in,
            }
            for cycle in facts
            if cycle.changes.following is not None
        ],
        "predictions": [
            {
                "lesson": lesson["name"],
                "taught": lesson["predictions"]["taught"],
                "before": lesson["predictions"]["before_teaching"],
                "cells": lesson["predictions"]["cells"],
                "written": lesson["predictions"]["written"],
                "undated": lesson["predictions"]["undated"],
                "changed": lesson["predictions"]["changed_after_start"],
            }
            for lesson in lessons
            if lesson["predictions"]["cells"]
        ],
    }


# --------------------------------------------------------------------------- every note


def _notes_appendix(study: Study, grids: dict[int, process.EvidenceGrid]) -> list[Data]:
    """Every note that is not deleted, lesson by lesson in time order; the notes in no
    stage of the plan (as the evidence grid places them) under a heading of their own.

    Tens of thousands of rows in a large study: ids are compared by their int (a
    UUID hashes in Python), and the notes are sorted into lessons in one pass."""
    by_lesson: dict[int, list[Observation]] = {}
    for note in study.notes:
        if not note.deleted:
            by_lesson.setdefault(note.lesson, []).append(note)
    lessons = []
    visitors = visitor_names(study)
    house = study.open_house_lesson()
    timelines = [*study.lessons, *([house] if house is not None else [])]
    for lesson in timelines:
        # In time order (as Study.live_notes); a study read from the file is already.
        notes = sorted(by_lesson.get(lesson.number, []), key=lambda note: note.at)
        if not notes:
            continue
        grid = grids.get(lesson.number) or process.evidence_grid(study, lesson.number)
        unplaced = {note.id.int for note in grid.unplaced}
        numbers = {stage.id.int: str(n) for n, stage in enumerate(lesson.stages, start=1)}
        placed: list[Data] = []
        elsewhere: list[Data] = []
        for note in notes:
            stage = note.stage_id
            row = {
                "time": f"{note.at.hour:02d}:{note.at.minute:02d}",  # strftime: 6 µs a note
                "stage": numbers.get(stage.int, "–") if stage is not None else "–",
                "about": "class" if note.about == CLASS else note.about,
                "observer": visitors.get(note.observer, note.observer),
                "judgement": _APPENDIX_JUDGEMENTS[note.judgement],
                "critical": note.critical,
                "starred": note.starred,
                "text": note.text,
            }
            (elsewhere if note.id.int in unplaced else placed).append(row)
        at_open_house = lesson.number == OPEN_HOUSE_LESSON
        day = study.open_house.date if at_open_house else lesson_day(study, lesson)
        lessons.append(
            {
                "name": f"The open house (the RL{house_plan_number(study)} plan)"
                if at_open_house
                else f"RL{lesson.number}",
                "date": long_date(day),
                "count": len(notes),
                "notes": placed,
                "unplaced": elsewhere,
            }
        )
    return lessons
