"""Three-way merge of an edited document: my changes and theirs since our common base.

Documents are edited whole (a plan, a discussion record) but people change
parts of them. When a save finds that someone else saved since we read, our
changes are put onto their version: fields only we changed take our value,
fields only they changed keep theirs. Only a field both changed, differently,
is a real collision (the caller keeps their version aside as a conflict).

Works on the JSON shape of a document (dicts, lists, text, numbers). A list
whose items all carry an "id" (the stages of a plan) merges item by item when
both kept the same items in the same order; any other list is one value.
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
