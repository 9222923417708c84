"""Reading a printed write-up back: page sizes, page count, text and where it lies.

Uses poppler's `pdfinfo` and `pdftotext -bbox` (Debian's poppler-utils), which
CI installs with Chromium and LibreOffice.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import attrs
import pytest

# Paper in PostScript points (1/72 inch), within a point either way.
A4_PORTRAIT = (595, 842)
A3_LANDSCAPE = (1191, 842)
SLIDE_16_9 = (960, 540)


def need(program: str, package: str) -> str:
    """The program's path; skipped where it is missing, but CI must have it."""
    found = shutil.which(program)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} is not installed (CI must install Debian's {package})")
        pytest.skip(f"{program} is not installed")
    return found


@attrs.frozen
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@attrs.frozen
class Printed:
    sizes: list[tuple[int, int]]  # each page's width and height in points
    words: list[Word]

    @property
    def pages(self) -> int:
        return len(self.sizes)

    def text(self, page: int | None = None) -> str:
        return " ".join(w.text for w in self.words if page is None or w.page == page)

    def first_page_with(self, phrase: str) -> int | None:
        for page in range(1, self.pages + 1):
            if phrase in self.text(page):
                return page
        return None

    def outside(self, slack: float = 1.0) -> list[Word]:
        """Words that run past the edge of their page (cut off on paper)."""
        return [
            w
            for w in self.words
            if w.x0 < -slack
            or w.y0 < -slack
            or w.x1 > self.sizes[w.page - 1][0] + slack
            or w.y1 > self.sizes[w.page - 1][1] + slack
        ]


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_WORD = re.compile(
    r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>'
)


def read_pdf(pdf: Path) -> Printed:
    need("pdftotext", "poppler-utils")
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    sizes: list[tuple[int, int]] = []
    words: list[Word] = []
    for line in out.splitlines():
        page = _PAGE.search(line)
        if page:
            sizes.append((round(float(page.group(1))), round(float(page.group(2)))))
            continue
        word = _WORD.search(line)
        if word:
            x0, y0, x1, y1 = (float(word.group(i)) for i in range(1, 5))
            words.append(Word(len(sizes), x0, y0, x1, y1, html.unescape(word.group(5))))
    return Printed(sizes, words)


def same_size(size: tuple[int, int], paper: tuple[int, int]) -> bool:
    return abs(size[0] - paper[0]) <= 1 and abs(size[1] - paper[1]) <= 1
