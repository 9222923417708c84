"""Where the shipped templates and examples are.

In a wheel they are inside the package (`lessonstudy/_data/`); in a source
checkout (editable install, tests) they are at the top of the repo.
"""

from __future__ import annotations

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
    import os

    override = os.environ.get("LESSONSTUDY_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("lessonstudy", appauthor=False))
