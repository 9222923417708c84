"""Small helpers for the words the app, the write-ups and the command line print.

Pure and standard library only: every layer may use them.
"""

from __future__ import annotations

from collections.abc import Sequence


def counted(count: int, noun: str) -> str:
    """'1 change', '2 changes' (nouns whose plural takes an s)."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def short(text: str, width: int) -> str:
    """`text` cut to `width` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def words_list(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
