"""Keys typed in a burst are applied in the order typed, in a text field.

Textual inserts a letter as soon as the field reads it, but runs the field's
own key bindings (Backspace, Delete, the arrows, Home, End, ctrl+u ...) only
after the key has bubbled up through every container to the app. So "helo",
Backspace, "lo" typed fast (a quick correction, a paste, tmux) became "helol":
the letters after the Backspace went in before it. A field with this mixin
runs its own bindings right where it reads the key, in order with the letters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from textual.widget import Widget

    _Base = Widget
else:
    _Base = object


class OrderedKeys(_Base):
    """Mix in before Input or TextArea: `class FieldInput(OrderedKeys, Input)`."""

    async def _on_key(self, event: events.Key) -> None:
        await super()._on_key(event)
        if event._stop_propagation:
            return  # handled by the field (a letter typed) or by a subclass
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if binding.priority:
                continue  # the app ran those already, before the field saw the key
            if await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return
