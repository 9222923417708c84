"""The Lesson Study cycle itself, as pure functions over the model.

One module per concept:
- `steps`: which steps a study has and the state of each (what is done, what is next);
  the steps themselves are declared in `lessonstudy.cycle`
- `plans`: a plan's predictions, and the next plan started from it (carry-forward)
- `timeline`: a lesson's one timeline of stage marks, each note's stage, the lesson clock
- `evidence`: the evidence grid (predictions beside observations) and pupils' journeys
- `shape`: removing stages, pupils and lessons, and relabelling pupils
- `faithfulness`: how faithfully each lesson's cycle was done, and what became of
  each agreed change (the methods appendix, the impact summary)

Everything is importable from here (`from lessonstudy.process import steps`).
The model and the standard library only: no Textual, SQLite or Jinja2.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from lessonstudy.cycle import StepKind, StepState
from lessonstudy.process.plans import (
    PredictionCounts,
    carried_predictions,
    carry_forward,
    checklist,
    confirm_prediction,
    is_blank_plan,
    lesson_start,
    missing_predictions,
    prediction_counts,
    pupil_words,
    record_prediction,
    unobserved_pupils,
)
from lessonstudy.process.steps import (
    Step,
    discussion_step,
    initial_meeting_step,
    interviews_step,
    lesson_to_observe,
    next_step,
    observe_step,
    open_house_step,
    plan_step,
    steps,
    write_up_step,
)
from lessonstudy.process.timeline import (
    ClockRow,
    Timeline,
    latest_mark,
    lesson_clock,
    place_notes,
    placed,
    running_since,
    running_stage,
    stage_to_resume,
    timeline,
    timeline_of,
)

# The evidence grid, faithfulness and reshaping are imported when first asked for:
# `check`, `export` and the app's first screen need only the steps and the timeline
# (a tenth of a command's start-up). `steps` and `timeline` are eager because they
# are also the names of submodules, which importing a submodule would rebind.
if TYPE_CHECKING:
    from lessonstudy.process.evidence import (
        JUDGEMENT_ORDER,
        JUDGEMENT_SHORT_WORDS,
        CellVerdict,
        EvidenceCell,
        EvidenceGrid,
        EvidenceRow,
        JourneyPoint,
        cell_verdict,
        evidence_grid,
        pupil_journey,
        pupil_journeys,
        unplaced_count,
    )
    from lessonstudy.process.faithfulness import (
        ChangeOutcome,
        ChangesCarried,
        ChangeStatus,
        CycleFacts,
        changes_carried,
        cycle_facts,
    )
    from lessonstudy.process.shape import (
        StageEvidence,
        lesson_contents,
        lesson_removal_problem,
        pupil_plan_mentions,
        pupil_removal_problem,
        relabel_discussion,
        relabel_findings,
        relabel_interview,
        relabel_plan,
        relabel_private_words,
        stage_evidence,
        without_pupil,
    )

_LAZY: dict[str, str] = {
    "CellVerdict": "evidence",
    "ChangeOutcome": "faithfulness",
    "ChangeStatus": "faithfulness",
    "ChangesCarried": "faithfulness",
    "CycleFacts": "faithfulness",
    "EvidenceCell": "evidence",
    "EvidenceGrid": "evidence",
    "EvidenceRow": "evidence",
    "JUDGEMENT_ORDER": "evidence",
    "JUDGEMENT_SHORT_WORDS": "evidence",
    "JourneyPoint": "evidence",
    "StageEvidence": "shape",
    "cell_verdict": "evidence",
    "changes_carried": "faithfulness",
    "cycle_facts": "faithfulness",
    "evidence_grid": "evidence",
    "lesson_contents": "shape",
    "lesson_removal_problem": "shape",
    "pupil_journey": "evidence",
    "pupil_journeys": "evidence",
    "pupil_plan_mentions": "shape",
    "pupil_removal_problem": "shape",
    "relabel_discussion": "shape",
    "relabel_findings": "shape",
    "relabel_interview": "shape",
    "relabel_plan": "shape",
    "relabel_private_words": "shape",
    "stage_evidence": "shape",
    "unplaced_count": "evidence",
    "without_pupil": "shape",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'lessonstudy.process' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"lessonstudy.process.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "JUDGEMENT_ORDER",
    "JUDGEMENT_SHORT_WORDS",
    "CellVerdict",
    "ChangeOutcome",
    "ChangeStatus",
    "ChangesCarried",
    "ClockRow",
    "CycleFacts",
    "EvidenceCell",
    "EvidenceGrid",
    "EvidenceRow",
    "JourneyPoint",
    "PredictionCounts",
    "StageEvidence",
    "Step",
    "StepKind",
    "StepState",
    "Timeline",
    "carried_predictions",
    "carry_forward",
    "cell_verdict",
    "changes_carried",
    "checklist",
    "confirm_prediction",
    "cycle_facts",
    "discussion_step",
    "evidence_grid",
    "initial_meeting_step",
    "interviews_step",
    "is_blank_plan",
    "latest_mark",
    "lesson_clock",
    "lesson_contents",
    "lesson_removal_problem",
    "lesson_start",
    "lesson_to_observe",
    "missing_predictions",
    "next_step",
    "observe_step",
    "open_house_step",
    "place_notes",
    "placed",
    "plan_step",
    "prediction_counts",
    "pupil_journey",
    "pupil_journeys",
    "pupil_plan_mentions",
    "pupil_removal_problem",
    "pupil_words",
    "record_prediction",
    "relabel_discussion",
    "relabel_findings",
    "relabel_interview",
    "relabel_plan",
    "relabel_private_words",
    "running_since",
    "running_stage",
    "stage_evidence",
    "stage_to_resume",
    "steps",
    "timeline",
    "timeline_of",
    "unobserved_pupils",
    "unplaced_count",
    "without_pupil",
    "write_up_step",
]
