"""Keys take effect in the order typed, however fast they come (a paste, tmux, a macro).

Textual runs a priority binding the moment the app reads its key, while the keys
typed before it still wait in the focused field's message queue: "Main task typed
fast" then ctrl+n saved the stage as "Main task typ", and Enter between answers
moved on before the answer was in. An app with `KeysInTurn` reads such a key only
once the field has handled every key before it, and what those keys set off (the
field's Changed message bubbling to the screen that saves it). It then runs the
key as Textual would (the priority binding, else the field's own key), and holds
the keys typed after it until that too has settled (focus moved, fields mounted),
so they go where the screen now says typing goes. A click waits its turn among them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.message import Message

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

    _Base = App[Any]
else:
    _Base = object

STUCK_AFTER = 1.0  # seconds: a waited-for widget removed meanwhile never answers
# What waits its turn behind a held key: keys, pastes, and the mouse's buttons (a click
# straight after fast typing would otherwise move the focus before the keys typed
# before it arrive, and they would land where it clicked).
_IN_TURN = (events.Key, events.Paste, events.MouseDown, events.MouseUp, events.Click)


class CaughtUp(Message):
    """Posted to a widget behind the messages queued in it; bubbles up to the app."""

    def __init__(self, turn: object) -> None:
        super().__init__()
        self.turn = turn


class KeysInTurn(_Base):
    """Mix in before App: `class LessonStudyApp(KeysInTurn, App[None])`."""

    _held: list[events.Event] | None = None  # None: keys go straight on
    _turn: object | None = None  # the CaughtUp awaited
    _waiting_on: DOMNode | None = None
    _then: Callable[[], Awaitable[None]] | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, _IN_TURN) and not event.is_forwarded:
            if self._held is not None:
                self._held.append(event)
                self._release_if_stuck()
                return
            if isinstance(event, events.Key) and self._priority_bound(event.key):
                self._held = []
                self._after_caught_up(self.focused or self.screen, lambda: self._in_turn(event))
                return
        await super().on_event(event)

    def _priority_bound(self, key: str) -> bool:
        chain = self.screen._binding_chain
        return any(
            binding.priority
            for _node, bindings in chain
            for binding in bindings.key_to_bindings.get(key, ())
        )

    def _after_caught_up(self, node: DOMNode, then: Callable[[], Awaitable[None]]) -> None:
        """Run `then` once `node` has handled what is queued in it and what that set off."""
        turn = object()
        self._turn, self._waiting_on, self._then = turn, node, then

        def queued_behind() -> None:
            # Runs after the keys queued before; the messages they posted to the node
            # (Changed, the answer's Next ...) are queued now, and CaughtUp follows them.
            node.post_message(CaughtUp(turn))

        if not node.call_later(queued_behind):
            self.call_later(self._caught_up, turn)  # closing: nothing left to wait for
            return
        self.set_timer(STUCK_AFTER, self._release_if_stuck)

    async def on_caught_up(self, message: CaughtUp) -> None:
        await self._caught_up(message.turn)

    async def _caught_up(self, turn: object) -> None:
        if turn is not self._turn or self._then is None:
            return  # released already (its widget had gone)
        then, self._then, self._turn, self._waiting_on = self._then, None, None, None
        await then()

    async def _in_turn(self, key: events.Key) -> None:
        target = self.focused or self.screen
        await super().on_event(key)  # the priority binding now, else the focused widget's
        # The keys after wait until this one has settled where it went.
        self._after_caught_up(target if key.is_forwarded else self.screen, self._release)

    async def _release(self) -> None:
        held, self._held = self._held or [], None
        for index, event in enumerate(held):
            if self._held is not None:  # a key among them waits its turn in its own right
                self._held.extend(held[index:])
                return
            await self.on_event(event)

    def _release_if_stuck(self) -> None:
        node = self._waiting_on
        if self._turn is not None and node is not None and not node.is_attached:
            self.call_later(self._caught_up, self._turn)
