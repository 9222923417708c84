"""Pupil interviews: the screen (`screen`), its fields and dialog, and how it words an interview."""

from lessonstudy.tui.screens.interviews.fields import AnswerArea, AnswerField, PromptsDialog
from lessonstudy.tui.screens.interviews.screen import InterviewsScreen
from lessonstudy.tui.screens.interviews.words import interviews_summary, timer_text

__all__ = [
    "AnswerArea",
    "AnswerField",
    "InterviewsScreen",
    "PromptsDialog",
    "interviews_summary",
    "timer_text",
]
