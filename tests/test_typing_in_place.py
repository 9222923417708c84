"""Typing redraws what it changes, not the whole screen's layout (widgets/typing_in_place)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

from lessonstudy.tui.screens.editing import FieldInput
from lessonstudy.tui.widgets.typing_in_place import update_in_place
from tui_helpers import letters


class Form(App[None]):
    CSS = """
    FieldInput { width: 20; }
    #title { width: 30; height: auto; }
    #status { width: auto; height: 1; }
    """

    def compose(self) -> ComposeResult:
        yield FieldInput(id="field", compact=True)
        yield Static("RL1: plan", id="title")
        yield Static("All changes saved", id="status")


async def test_a_field_narrower_than_its_text_still_scrolls_to_the_cursor() -> None:
    app = Form()
    async with app.run_test(size=(80, 24)) as pilot:
        field = app.query_one(FieldInput)
        field.focus()
        text = "the pupils said the bottom number tells the size of the part"
        await pilot.press(*letters(text))
        assert field.value == text
        assert field.scroll_x > 0  # the end of the text, where the cursor is, is in view
        assert field.virtual_size.width > field.size.width
        await pilot.press("home")
        assert field.scroll_x == 0


async def test_text_that_needs_more_room_gets_it_and_the_same_room_keeps_its_place() -> None:
    app = Form()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        title, status = app.query_one("#title", Static), app.query_one("#status", Static)
        assert title.size.height == 1
        update_in_place(title, "RL1: plan — " + "fractions of a shape " * 4)
        await pilot.pause()
        assert title.size.height > 1  # wrapped: a layout gave it the lines
        update_in_place(status, "Saved 10:42:03")
        await pilot.pause()
        assert status.size.width == len("Saved 10:42:03")
        update_in_place(status, "Saved 10:42:04 - someone else edited this too: both versions kept")
        await pilot.pause()
        assert status.size.width == len(
            "Saved 10:42:04 - someone else edited this too: both versions kept"
        )
        update_in_place(title, "RL1: plan")
        await pilot.pause()
        assert title.size.height == 1


async def test_a_field_narrower_than_its_text_takes_no_scrollbar_and_keys_arrange_nothing(
    monkeypatch,
) -> None:
    """Textual's Input takes a horizontal scrollbar of no size once its text is wider
    than it and the screen is laid out; each key then moved that scrollbar, which
    has no place on screen, and the compositor arranged every widget of the screen
    again to find it (the plan's objective: half the keys)."""
    from textual._compositor import Compositor

    app = Form()
    async with app.run_test(size=(80, 24)) as pilot:
        field = app.query_one(FieldInput)
        field.focus()
        await pilot.press(*letters("the pupils said the bottom number"))
        app.query_one("#status", Static).update("Saved 10:42:03")  # the screen laid out
        await pilot.pause()
        arranged: list[bool] = []  # visible_only: False arranges every widget
        arrange = Compositor._arrange_root

        def counted(self, root, size, visible_only=True):
            arranged.append(visible_only)
            return arrange(self, root, size, visible_only)

        monkeypatch.setattr(Compositor, "_arrange_root", counted)
        await pilot.press(*letters(" tells the size"))
        assert field.value.endswith("tells the size")
        assert field.scroll_x == field.max_scroll_x > 0  # the cursor, at the end, in view
        assert not field.show_horizontal_scrollbar
        assert arranged == []
