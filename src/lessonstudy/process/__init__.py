"""The Lesson Study cycle itself, as pure functions over the model.

One module per concept:
- `step_states`: which steps a study has and the state of each (what is done, what
  is next); the steps themselves are declared in `lessonstudy.cycle`
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

# Only the timeline is imported with the package: every reading of a study file
# places notes on it. The rest is imported when first asked for: `check`, `export`
# and a write-up need neither the steps nor the plans (a few ms of each command's
# start-up). `timeline` stays eager because it is also the name of its submodule,
# which importing the submodule would bind here in place of the function (the
# steps' module is called step_states for that reason).
if TYPE_CHECKING:
    from lessonstudy.cycle import StepKind, StepState
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
        grid_plan,
        pupil_journey,
        pupil_journeys,
        unplaced_count,
        with_judgements,
    )
    from lessonstudy.process.faithfulness import (
        ChangeOutcome,
        ChangesCarried,
        ChangeStatus,
        CycleFacts,
        changes_carried,
        cycle_facts,
    )
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
    from lessonstudy.process.step_states import (
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

_LAZY: dict[str, str] = {
    "CellVerdict": "process.evidence",
    "ChangeOutcome": "process.faithfulness",
    "ChangeStatus": "process.faithfulness",
    "ChangesCarried": "process.faithfulness",
    "CycleFacts": "process.faithfulness",
    "EvidenceCell": "process.evidence",
    "EvidenceGrid": "process.evidence",
    "EvidenceRow": "process.evidence",
    "JUDGEMENT_ORDER": "process.evidence",
    "JUDGEMENT_SHORT_WORDS": "process.evidence",
    "JourneyPoint": "process.evidence",
    "PredictionCounts": "process.plans",
    "StageEvidence": "process.shape",
    "Step": "process.step_states",
    "StepKind": "cycle",
    "StepState": "cycle",
    "carried_predictions": "process.plans",
    "carry_forward": "process.plans",
    "cell_verdict": "process.evidence",
    "changes_carried": "process.faithfulness",
    "checklist": "process.plans",
    "confirm_prediction": "process.plans",
    "cycle_facts": "process.faithfulness",
    "discussion_step": "process.step_states",
    "evidence_grid": "process.evidence",
    "grid_plan": "process.evidence",
    "initial_meeting_step": "process.step_states",
    "interviews_step": "process.step_states",
    "is_blank_plan": "process.plans",
    "lesson_contents": "process.shape",
    "lesson_removal_problem": "process.shape",
    "lesson_start": "process.plans",
    "lesson_to_observe": "process.step_states",
    "missing_predictions": "process.plans",
    "next_step": "process.step_states",
    "observe_step": "process.step_states",
    "open_house_step": "process.step_states",
    "plan_step": "process.step_states",
    "prediction_counts": "process.plans",
    "pupil_journey": "process.evidence",
    "pupil_journeys": "process.evidence",
    "pupil_plan_mentions": "process.shape",
    "pupil_removal_problem": "process.shape",
    "pupil_words": "process.plans",
    "record_prediction": "process.plans",
    "relabel_discussion": "process.shape",
    "relabel_findings": "process.shape",
    "relabel_interview": "process.shape",
    "relabel_plan": "process.shape",
    "relabel_private_words": "process.shape",
    "stage_evidence": "process.shape",
    "steps": "process.step_states",
    "unobserved_pupils": "process.plans",
    "unplaced_count": "process.evidence",
    "with_judgements": "process.evidence",
    "without_pupil": "process.shape",
    "write_up_step": "process.step_states",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'lessonstudy.process' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"lessonstudy.{module}"), name)
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
    "grid_plan",
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
    "with_judgements",
    "without_pupil",
    "write_up_step",
]
