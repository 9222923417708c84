"""The footer shows the keys of the moment, and is rebuilt only when they change."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from lessonstudy.tui.widgets.footer import Footer


class ThreeFields(App[None]):
    """The key "Open" is there only while the first field has the focus."""

    BINDINGS = [Binding("ctrl+o", "open", "Open"), Binding("ctrl+q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Input(id="a")
        yield Input(id="b")
        yield Input(id="c")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":
            return self.focused is not None and self.focused.id == "a"
        return True

    def action_open(self) -> None:
        pass


def keys_shown(app: App[None]) -> list[str]:
    return [key.description for key in app.screen.query(FooterKey)]


async def test_the_footer_follows_the_keys_and_keeps_them_while_they_stay() -> None:
    app = ThreeFields()
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one("#a").focus()
        await pilot.pause()
        assert "Open" in keys_shown(app)
        await pilot.press("tab")  # to b: "Open" is no key there
        await pilot.pause()
        assert app.focused is app.query_one("#b")
        assert "Open" not in keys_shown(app) and "Quit" in keys_shown(app)
        before = list(app.screen.query(FooterKey))
        await pilot.press("tab")  # to c: the same keys, so the same footer
        await pilot.pause()
        assert app.focused is app.query_one("#c")
        assert list(app.screen.query(FooterKey)) == before
        app.query_one("#a").focus()  # back where "Open" is a key: shown again
        await pilot.pause()
        assert "Open" in keys_shown(app)
