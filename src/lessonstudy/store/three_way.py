"""Three-way merge of an edited document: my changes and theirs since our common base.

Documents are edited whole (a plan, a discussion record) but people change
parts of them. When a save finds that someone else saved since we read, our
changes are put onto their version: fields only we changed take our value,
fields only they changed keep theirs. Only a field both changed, differently,
is a real collision (the caller keeps their version aside as a conflict).

Works on the JSON shape of a document (dicts, lists, text, numbers). A list
whose items all carry an "id" (the stages of a plan) merges item by item when
both kept the same items in the same order; any other list is one value.

`merge_lines` does the same for a text of lines (the observers' questions for
the interviews, which each observer adds to at the end of the lesson).
"""

from __future__ import annotations

from typing import Any

Path = tuple[str | int, ...]


def merge(base: Any, mine: Any, theirs: Any, path: Path = ()) -> tuple[Any, list[Path]]:
    """(the merged value, the paths both sides changed differently: mine is taken there)."""
    if mine == theirs:
        return mine, []
    if mine == base:
        return theirs, []
    if theirs == base:
        return mine, []
    if isinstance(base, dict) and isinstance(mine, dict) and isinstance(theirs, dict):
        merged: dict[str, Any] = {}
        clashes: list[Path] = []
        for key in [*mine, *(k for k in theirs if k not in mine)]:
            missing = object()
            b, m, t = base.get(key, missing), mine.get(key, missing), theirs.get(key, missing)
            if m is missing and t is missing:
                continue
            if m is missing or t is missing:
                # Added by one side, or removed by one and kept (or changed) by the other.
                kept = t if m is missing else m
                if b is missing or kept == b:
                    if m is not missing and (b is missing or t is not missing):
                        merged[key] = m
                    elif t is not missing and b is missing:
                        merged[key] = t
                    continue
                merged[key] = kept
                clashes.append((*path, key))
                continue
            value, inner = merge(None if b is missing else b, m, t, (*path, key))
            merged[key] = value
            clashes += inner
        return merged, clashes
    if _same_items(base, mine, theirs):
        items = []
        clashes = []
        for index, (b, m, t) in enumerate(zip(base, mine, theirs, strict=True)):
            value, inner = merge(b, m, t, (*path, index))
            items.append(value)
            clashes += inner
        return items, clashes
    return mine, [path]


def _same_items(base: Any, mine: Any, theirs: Any) -> bool:
    """Three lists of the same identified items in the same order."""
    if not (isinstance(base, list) and isinstance(mine, list) and isinstance(theirs, list)):
        return False

    def ids(items: list[Any]) -> list[Any] | None:
        if not all(isinstance(item, dict) and "id" in item for item in items):
            return None
        return [item["id"] for item in items]

    first = ids(base)
    return first is not None and first == ids(mine) == ids(theirs)


_Hunk = tuple[int, int, list[str], str]  # base[i1:i2] becomes these lines; "mine"/"theirs"


def _hunks(base: list[str], other: list[str], side: str) -> list[_Hunk]:
    import difflib  # only when two edits meet: opening a study need not wait for it

    matcher = difflib.SequenceMatcher(None, base, other, autojunk=False)
    return [
        (i1, i2, other[j1:j2], side)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def merge_lines(base: str, mine: str, theirs: str) -> str:
    """Three-way merge of a list of lines: my changes and theirs since `base`.

    Where both changed the same lines (or added lines at the same place), my
    lines come first, then theirs that I do not have: nothing is dropped.
    """
    if theirs in (base, mine):
        return mine
    if mine == base:
        return theirs
    base_lines = base.split("\n")
    hunks = sorted(
        _hunks(base_lines, mine.split("\n"), "mine")
        + _hunks(base_lines, theirs.split("\n"), "theirs"),
        key=lambda hunk: (hunk[0], hunk[1]),
    )
    # Hunks clash when their lines overlap, or when both add lines at one place
    # (lines added just before a changed line do not clash with the change).
    groups: list[list[_Hunk]] = []
    for hunk in hunks:
        i1, i2 = hunk[0], hunk[1]
        if groups and (
            i1 < max(h[1] for h in groups[-1])
            or (i1 == i2 and any(h[0] == h[1] == i1 for h in groups[-1]))
        ):
            groups[-1].append(hunk)
        else:
            groups.append([hunk])
    result: list[str] = []
    at = 0
    for group in groups:
        start, end = group[0][0], max(h[1] for h in group)
        result += base_lines[at:start]
        sides = {
            side: _apply(base_lines, start, end, [h for h in group if h[3] == side])
            for side in ("mine", "theirs")
        }
        if all(h[3] == "mine" for h in group):
            result += sides["mine"]
        elif all(h[3] == "theirs" for h in group):
            result += sides["theirs"]
        else:
            result += sides["mine"] + [
                line for line in sides["theirs"] if line not in sides["mine"]
            ]
        at = end
    result += base_lines[at:]
    return "\n".join(result)


def _apply(base: list[str], start: int, end: int, hunks: list[_Hunk]) -> list[str]:
    """base[start:end] with one side's hunks applied."""
    lines: list[str] = []
    at = start
    for i1, i2, new, _side in hunks:
        lines += base[at:i1] + new
        at = i2
    return lines + base[at:end]
