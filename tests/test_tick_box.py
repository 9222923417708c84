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


async def test_a_notes_critical_box_is_blank_unless_the_note_is_critical() -> None:
    # Seen in a trial: the correction dialog's plain Checkbox showed X ticked or not
    # (only its colour differed, and under NO_COLOR not even that).
    import datetime as dt

    from lessonstudy.model import CLASS, Observation
    from lessonstudy.tui.screens.observe.correction import NoteCorrectionScreen

    for critical in (False, True):
        note = Observation(
            lesson=1,
            observer="Ann",
            at=dt.datetime(2026, 3, 5, 9, 12, tzinfo=dt.UTC),
            about=CLASS,
            text="counts on in ones",
            critical=critical,
        )
        app = App[None]()
        async with app.run_test(size=(80, 24)) as pilot:
            app.push_screen(NoteCorrectionScreen(note, [("A", "Amira")], [], None))
            await pilot.pause()
            box = app.screen.query_one("#critical", TickBox)
            assert ("✓" in drawn(box)) is critical
            assert "X" not in drawn(box)
