"""The initial meeting: the screen (`screen`), the members' dialog and a confirmation."""

from lessonstudy.tui.screens.initial_meeting.dialogs import ConfirmDialog
from lessonstudy.tui.screens.initial_meeting.members import MemberDialog, RolesList
from lessonstudy.tui.screens.initial_meeting.screen import InitialMeetingScreen

__all__ = ["ConfirmDialog", "InitialMeetingScreen", "MemberDialog", "RolesList"]
