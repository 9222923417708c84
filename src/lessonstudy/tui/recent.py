"""The studies this user opened lately, remembered in their data folder.

The list lives in `platformdirs.user_data_dir("lessonstudy")/recent.json`
(or `$LESSONSTUDY_DATA_DIR/recent.json`, so tests never touch the real one).
It is a convenience: a missing or damaged list is simply empty.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

DATA_DIR_ENV = "LESSONSTUDY_DATA_DIR"
MAX_RECENT = 10


def data_dir() -> Path:
    """The user's lessonstudy data folder (created on first use)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        folder = Path(override)
    else:
        import platformdirs  # only needed when no override is given

        folder = Path(platformdirs.user_data_dir("lessonstudy"))
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
