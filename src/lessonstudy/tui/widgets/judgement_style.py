"""How a judgement looks on screen, the same in every widget.

Colours picked to stay apart for the common colour-blindnesses; the symbol
(= + - ?) always carries the meaning too, so everything reads without colour.
"""

from __future__ import annotations

from rich.text import Text

from lessonstudy.model import Judgement, Observation

# A symbol on its own coloured badge.
JUDGEMENT_STYLES = {
    Judgement.AS_PREDICTED: "bold white on #3465a4",
    Judgement.BETTER: "bold black on #4e9a06",
    Judgement.LESS: "bold black on #f57900",
    Judgement.UNEXPECTED: "bold white on #75507b",
}
# The same hues as text colours, for runs of symbols on the normal background.
JUDGEMENT_COLOURS = {
    Judgement.AS_PREDICTED: "bold #729fcf",
    Judgement.BETTER: "bold #8ae234",
    Judgement.LESS: "bold #fcaf3e",
    Judgement.UNEXPECTED: "bold #ad7fa8",
}
CRITICAL_STYLE = "bold white on #cc0000"


def append_marks(text: Text, note: Observation) -> None:
    """A note's judgement symbol and critical flag, as every list of notes shows them."""
    if note.judgement is not None:
        text.append(f" {note.judgement.symbol} ", JUDGEMENT_STYLES[note.judgement])
        text.append(" ")
    if note.critical:
        text.append("!", CRITICAL_STYLE)
        text.append(" ")
