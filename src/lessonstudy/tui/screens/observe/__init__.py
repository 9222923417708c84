"""Teaching and observing: the observer's screen (`screen`), the lesson's summary at
its end (`summary`) and a note's correction (`correction`). The last two are
imported when first opened, so the observer's screen does not wait for them."""

from lessonstudy.tui.screens.observe.screen import ObserveScreen, match_observer

__all__ = ["ObserveScreen", "match_observer"]
