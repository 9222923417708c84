"""The post-lesson discussion: the screen (`screen`), its points editor and its header dialog."""

from lessonstudy.tui.screens.discussion.header import HeaderDialog
from lessonstudy.tui.screens.discussion.points import PointsEditor
from lessonstudy.tui.screens.discussion.screen import (
    DiscussionScreen,
    default_discussion,
    study_for_lesson,
)

__all__ = [
    "DiscussionScreen",
    "HeaderDialog",
    "PointsEditor",
    "default_discussion",
    "study_for_lesson",
]
