"""KeysInTurn and the mouse: a click comes in its turn among the keys typed before it."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from tui_helpers import ScreenApp, key_event


class Form(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="a")
        yield Input(id="b")
        yield Input(id="c")


class TabApp(ScreenApp):
    """Tab moves on as soon as it is read, as in the app (a priority binding)."""

    BINDINGS = [Binding("tab", "focus_next_now", priority=True)]

    def action_focus_next_now(self) -> None:
        self.screen.focus_next()


def clicks_on(widget: Input) -> list[events.Event]:
    """What a terminal sends for a click on `widget`: down, up, then the click."""
    x, y = widget.region.x + 2, widget.region.y + 1
    arguments = dict(
        widget=None, x=x, y=y, delta_x=0, delta_y=0, button=1, shift=False, meta=False,
        ctrl=False, screen_x=x, screen_y=y,
    )  # fmt: skip
    return [events.MouseDown(**arguments), events.MouseUp(**arguments), events.Click(**arguments)]


async def test_a_click_after_fast_typing_waits_for_the_keys_typed_before_it() -> None:
    """Seen: keys typed straight after Tab are held until Tab has moved the focus; a
    click right after them went ahead of them, so "y", typed for the field Tab went
    to, landed in the field clicked after it."""
    app = TabApp(Form)
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        first, second, third = (app.screen.query_one(f"#{n}", Input) for n in "abc")
        assert app.focused is first
        typed = [key_event("x"), key_event("tab"), key_event("y"), *clicks_on(third)]
        for event in [*typed, key_event("z")]:
            app.post_message(event)
        for _ in range(4):
            await pilot.pause()
        assert (first.value, second.value, third.value) == ("x", "y", "z")
        assert app.focused is third
