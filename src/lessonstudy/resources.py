"""Where the shipped templates and examples are.

In a wheel they are inside the package (`lessonstudy/_data/`); in a source
checkout (editable install, tests) they are at the top of the repo.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parents[1] / name  # src/lessonstudy -> repo root


def templates_dir() -> Path:
    return _data_dir("templates")


def examples_dir() -> Path:
    return _data_dir("examples")


def example_study_path() -> Path:
    return examples_dir() / "fractions-year4.json"


def user_data_dir() -> Path:
    """The user's own lessonstudy folder (recent studies, demo copies, own protocols).

    LESSONSTUDY_DATA_DIR overrides it (tests, or a school's shared setup).
    """
    override = os.environ.get("LESSONSTUDY_DATA_DIR")
    if override:
        return Path(override)
    return _user_dir("XDG_DATA_HOME", ".local/share", "user_data_dir")


def user_cache_dir() -> Path:
    """The user's cache folder for lessonstudy: what can be made again if lost
    (compiled templates, the files found sound)."""
    return _user_dir("XDG_CACHE_HOME", ".cache", "user_cache_dir")


def _user_dir(variable: str, default: str, platformdirs_name: str) -> Path:
    """The XDG folder on Linux, as platformdirs gives it (its import, 20-30 ms, is
    most of a small command's start-up); platformdirs itself elsewhere."""
    if sys.platform.startswith("linux"):
        base = os.environ.get(variable, "").strip()
        if not base or not os.path.isabs(base):  # the XDG rule: a relative one is ignored
            base = os.path.join(os.path.expanduser("~"), default)
        return Path(base) / "lessonstudy"
    import platformdirs

    return Path(getattr(platformdirs, platformdirs_name)("lessonstudy", appauthor=False))
