"""The studies this user opened lately, and their settings (the theme), remembered
in their data folder (`resources.user_data_dir()`: `$LESSONSTUDY_DATA_DIR` in tests,
so they never touch the real one).

A convenience: a missing or damaged list is simply empty.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from lessonstudy.resources import user_data_dir

MAX_RECENT = 10


def data_dir() -> Path:
    """The user's lessonstudy data folder (created on first use)."""
    folder = user_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _recent_file() -> Path:
    return data_dir() / "recent.json"


def recent_studies() -> list[Path]:
    """Recently opened studies, newest first, only those that still exist."""
    try:
        names = json.loads(_recent_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(names, list):
        return []
    return [Path(name) for name in names if isinstance(name, str) and Path(name).exists()]


def remember(path: Path) -> None:
    """Put `path` at the top of the recent list."""
    path = Path(path).resolve()
    paths = [path, *(p for p in recent_studies() if p.resolve() != path)][:MAX_RECENT]
    target = _recent_file()
    partial = target.with_suffix(".partial")
    try:
        partial.write_text(json.dumps([str(p) for p in paths], indent=1), encoding="utf-8")
        partial.replace(target)  # never a half-written list
    except OSError:
        pass  # remembering is a convenience; never stop the user for it


def forget(path: Path) -> None:
    path = Path(path).resolve()
    paths = [p for p in recent_studies() if p.resolve() != path]
    with contextlib.suppress(OSError):  # a convenience: never stop the user for it
        _recent_file().write_text(json.dumps([str(p) for p in paths], indent=1), encoding="utf-8")


def _settings_file() -> Path:
    return data_dir() / "settings.json"


def load_setting(name: str) -> str | None:
    """A remembered choice of this user's (the theme ...), or None."""
    try:
        settings = json.loads(_settings_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = settings.get(name) if isinstance(settings, dict) else None
    return value if isinstance(value, str) else None


def save_setting(name: str, value: str) -> None:
    """Remember a choice for next time (a convenience: failures are ignored)."""
    try:
        settings = json.loads(_settings_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        settings = {}
    if not isinstance(settings, dict):
        settings = {}
    settings[name] = value
    target = _settings_file()
    partial = target.with_suffix(".partial")
    try:
        partial.write_text(json.dumps(settings, indent=1), encoding="utf-8")
        partial.replace(target)
    except OSError:
        pass
