"""Planning a research lesson: the screen (`screen`), its dialogs and widgets."""

from lessonstudy.tui.screens.plan.dialogs import PredictionEditor, StageEditor, StageRemovalDialog
from lessonstudy.tui.screens.plan.screen import PlanScreen, replace_plan

__all__ = ["PlanScreen", "PredictionEditor", "StageEditor", "StageRemovalDialog", "replace_plan"]
