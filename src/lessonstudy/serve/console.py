"""What the terminal running `lessonstudy serve` shows: where to go, the codes,
a QR code for the address, who has joined and the notes arriving.

Text typed on a page is data: control characters and direction overrides are
replaced before anything reaches the terminal, so a note cannot move the
cursor, recolour the screen or hide what it says.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from typing import TextIO

from lessonstudy.model import CLASS, CasePupil, Observation, ResearchLesson, StageMark, now
from lessonstudy.serve.access import Role

_ALPHANUMERIC = re.compile(r"[0-9A-Z $%*+\-./:]+")  # what QR's alphanumeric mode holds
ZERO_WIDTH_JOINER = "\u200d"  # inside emoji: harmless, and dropping it splits the emoji


def printable(text: str, limit: int = 80) -> str:
    """One line, safe for a terminal: no control or format characters, at most `limit`."""
    safe = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in "\n\r\t":
            safe.append(" ")
        elif category in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs") and ch != ZERO_WIDTH_JOINER:
            safe.append("\N{REPLACEMENT CHARACTER}")
        else:
            safe.append(ch)
    line = " ".join("".join(safe).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class Console:
    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout

    def _line(self, text: str) -> None:
        self.out.write(f"{now():%H:%M:%S}  {text}\n")
        self.out.flush()

    def event(self, text: str) -> None:
        self._line(text)

    def problem(self, text: str) -> None:
        self._line(f"PROBLEM: {printable(text, 200)}")

    def joined(self, name: str, role: Role) -> None:
        who = "a group member" if role is Role.MEMBER else "a visitor"
        self._line(f"{printable(name, 60)} joined ({who})")

    def note(self, note: Observation, pupils: list[CasePupil]) -> None:
        pseudonyms = {p.label: p.pseudonym for p in pupils}
        about = "class" if note.about == CLASS else f"{note.about} {pseudonyms.get(note.about, '')}"
        marks = (note.judgement.symbol + " " if note.judgement else "") + (
            "! " if note.critical else ""
        )
        self._line(
            f"{printable(note.observer, 30)} on {printable(about.strip(), 30)}: "
            f"{marks}{printable(note.text, 60)}"
        )

    def stage(self, mark: StageMark, plan: ResearchLesson) -> None:
        who = printable(mark.observer, 30)
        if mark.stage_id is None:
            self._line(f"{who} ended the lesson")
            return
        number = plan.stage_number(mark.stage_id)
        stage = plan.stage_by_id(mark.stage_id)
        title = printable(stage.title, 50) if stage is not None and stage.title else ""
        self._line(f"{who} moved the lesson to stage {number}" + (f": {title}" if title else ""))

    def wrong_code(self, client: str, tries_left: int) -> None:
        if tries_left:
            tries = "1 try" if tries_left == 1 else f"{tries_left} tries"
            self._line(f"a wrong code from {client} ({tries} left)")
        else:
            self._line(f"too many wrong codes from {client}: it must wait before trying again")

    def write(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()


def qr_lines(url: str, *, ansi: bool) -> list[str]:
    """A QR code for `url` in half-height blocks (two modules a line, so it fits 80x24).

    With `ansi`, light and dark are set explicitly (white and black), so a phone
    reads it on a light and a dark terminal alike; without, light modules are
    drawn as blocks, which suits the usual light-on-dark terminal.
    """
    import segno

    # In capitals when the address allows (an IP address, as printed): QR's
    # alphanumeric mode makes a smaller code, and a browser reads HTTP:// as http://.
    text = url.upper() if _ALPHANUMERIC.fullmatch(url.upper()) else url
    qr = segno.make(text, error="m")  # boosted to a higher level when it fits the same size
    rows = [list(row) for row in qr.matrix_iter(scale=1, border=2)]
    if len(rows) % 2:
        rows.append([0] * len(rows[0]))  # a light row: the quiet zone continues
    lines = []
    for top, bottom in zip(rows[0::2], rows[1::2], strict=True):
        if ansi:
            # Upper half block: its foreground is the top module, background the bottom.
            cells = [
                f"\x1b[{'30' if t else '97'};{'40' if b else '107'}m\u2580"
                for t, b in zip(top, bottom, strict=True)
            ]
            lines.append("".join(cells) + "\x1b[0m")
        else:
            blocks = {(0, 0): "\u2588", (0, 1): "\u2580", (1, 0): "\u2584", (1, 1): " "}
            lines.append("".join(blocks[(t, b)] for t, b in zip(top, bottom, strict=True)))
    return lines
