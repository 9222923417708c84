"""The footer shows the keys of the moment, and is rebuilt only when they change."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from lessonstudy.tui.widgets.footer import Footer
from tui_helpers import until


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
        await until(pilot, lambda: "Open" in keys_shown(app), "Open shown in the first field")
        await pilot.press("tab")  # to b: "Open" is no key there
        await until(
            pilot,
            lambda: "Open" not in keys_shown(app) and "Quit" in keys_shown(app),
            "Open gone from the footer in the second field",
        )
        assert app.focused is app.query_one("#b")
        before = list(app.screen.query(FooterKey))
        await pilot.press("tab")  # to c: the same keys, so the same footer
        for _ in range(3):  # time for a rebuild (Textual's footer rebuilds here)
            await pilot.pause()
        assert app.focused is app.query_one("#c")
        assert list(app.screen.query(FooterKey)) == before
        app.query_one("#a").focus()  # back where "Open" is a key: shown again
        await until(pilot, lambda: "Open" in keys_shown(app), "Open shown again")
