"""The footer of keys, built again only when the keys it shows change."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """Textual's footer, without the rebuild when nothing it shows changed.

    Textual's footer removes and mounts all its keys again each time the screen's
    bindings are refreshed: on every focus change, and each time a screen calls
    `refresh_bindings`, even when the same keys show. Each rebuild restyles and lays
    out a dozen widgets, and moving from field to field (Tab, Enter) did that once a
    key. Here the keys it would show are compared first; the footer is rebuilt, as
    Textual builds it, only when they differ.
    """

    _shown: tuple[Any, ...] | None = None

    def _keys_to_show(self) -> tuple[Any, ...]:
        """Everything `compose` reads to build the keys."""
        if not self._bindings_ready:
            return ()
        return (
            tuple(
                (key, binding, enabled, tooltip)
                for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
                if binding.show or key == self.app.COMMAND_PALETTE_BINDING
            ),
            self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE,
        )

    def compose(self) -> ComposeResult:
        self._shown = self._keys_to_show()
        yield from super().compose()

    def bindings_changed(self, screen: Screen[Any]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if self.is_attached and self._keys_to_show() != self._shown:
            await self.recompose()
