"""Check boxes read without colour: ✓ when ticked, blank when not."""

from __future__ import annotations

from textual.app import App, ComposeResult

from lessonstudy.tui.widgets.tick_box import TickBox


class TickApp(App[None]):
    def compose(self) -> ComposeResult:
        yield TickBox("We agree to these ground rules", id="agreed")


def drawn(box: TickBox) -> str:
    return "".join(strip.text for strip in box.render_lines(box.region.reset_offset))


async def test_a_tick_shows_as_a_mark_not_only_as_a_colour() -> None:
    app = TickApp()
    async with app.run_test(size=(60, 5)) as pilot:
        box = app.query_one(TickBox)
        assert "✓" not in drawn(box) and "X" not in drawn(box)
        box.focus()
        await pilot.press("space")
        await pilot.pause()
        assert box.value is True
        assert "✓" in drawn(box)
