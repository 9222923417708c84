"""The interviews screen's answers and its prompts dialog."""

from __future__ import annotations

from attrs import evolve
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Label,
    Static,
    TextArea,
)

from lessonstudy.model import (
    Answer,
)
from lessonstudy.printable import printable
from lessonstudy.protocols import Protocol
from lessonstudy.tui.plain import plain
from lessonstudy.tui.screens.interviews.words import QUOTE_MARK
from lessonstudy.tui.widgets.long_field import SteadyTextArea


class PromptsDialog(ModalScreen[list[str] | None]):
    """Edit the study's interview prompts, one a line."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="prompts.cancel"),
        Binding("ctrl+s", "save", "Done", id="prompts.save"),
    ]

    def __init__(self, prompts: list[str], protocol: Protocol | None) -> None:
        super().__init__()
        self.prompts = prompts
        self.protocol = protocol

    def compose(self) -> ComposeResult:
        with Vertical(id="prompts-dialog"):
            yield Label("Interview prompts for this study: one a line", classes="dialog-title")
            prompts = printable("\n".join(self.prompts))
            yield TextArea(prompts, id="prompts-text", soft_wrap=True)
            if self.protocol and self.protocol.optional_interview_prompts:
                optional = "\n".join(f"  {p}" for p in self.protocol.optional_interview_prompts)
                yield Static(
                    plain(f"Optional prompts you may add:\n{optional}"), id="prompts-optional"
                )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Done (ctrl+s)", variant="primary", id="prompts-save")
                yield Button("Protocol's prompts", id="prompts-reset")
                yield Button("Cancel (esc)", id="prompts-cancel")

    def on_mount(self) -> None:
        self.query_one("#prompts-text", TextArea).focus()

    @on(Button.Pressed, "#prompts-save")
    def action_save(self) -> None:
        text = self.query_one("#prompts-text", TextArea).text
        prompts = [line.strip() for line in text.splitlines() if line.strip()]
        if not prompts:
            self.notify("Keep at least one prompt.", severity="error")
            return
        self.dismiss(prompts)

    @on(Button.Pressed, "#prompts-reset")
    def _reset(self) -> None:
        prompts = self.protocol.interview_prompts if self.protocol else ()
        self.query_one("#prompts-text", TextArea).load_text("\n".join(prompts))

    @on(Button.Pressed, "#prompts-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class AnswerArea(SteadyTextArea):
    """An answer, typed as said: it wraps so the whole answer shows; Enter moves on."""

    class Next(Message):
        def __init__(self, area: AnswerArea) -> None:
            super().__init__()
            self.area = area

        @property
        def control(self) -> AnswerArea:
            return self.area

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Next(self))
            return
        await super()._on_key(event)


class AnswerField(Vertical):
    """One prompt and the answer typed as said."""

    def __init__(self, index: int, answer: Answer) -> None:
        super().__init__(classes="answer")
        self.index = index
        self.answer = answer

    def compose(self) -> ComposeResult:
        yield Label(self._label_text(), classes="answer-prompt")
        area = AnswerArea(
            self.answer.answer,
            placeholder="The pupil's exact words (Enter: next prompt)",
            soft_wrap=True,
            compact=True,
            classes="answer-input",
        )
        yield area

    def _label_text(self) -> Text:
        text = Text(printable(f"{self.index + 1}. {self.answer.prompt}"))
        if self.answer.quote:
            text.append(f"  {QUOTE_MARK} quote", style="bold reverse")
        return text

    def set_quote(self, quote: bool) -> None:
        self.answer = evolve(self.answer, quote=quote)
        self.set_class(quote, "-quote")
        self.query_one(".answer-prompt", Label).update(self._label_text())

    def on_mount(self) -> None:
        self.set_class(self.answer.quote, "-quote")
