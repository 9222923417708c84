"""The bundled example study, turned into a study file to try things on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs

from lessonstudy import resources
from lessonstudy.model import new_id
from lessonstudy.store.export import read_json
from lessonstudy.store.study_file import AlreadyExists, create_file


def create_example(path: Path) -> Path:
    """Create a study file at `path` from the bundled example.

    Each copy is a study of its own (a new id): two people trying the example
    must never merge one copy's notes and title into the other's."""
    study = attrs.evolve(read_json(resources.example_study_path()), id=new_id())
    create_file(path, study, made_from="a copy of the example study")
    return path


def make_example_copy() -> Path:
    """A fresh copy of the example in the user's data folder (a new file each time,
    so a copy someone is still using is never overwritten)."""
    folder = resources.user_data_dir() / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M%S")
    name = resources.example_study_path().stem
    counter = 1
    while True:
        suffix = f"-{counter}" if counter > 1 else ""
        path = folder / f"{name}-{stamp}{suffix}.lessonstudy"
        try:
            return create_example(path)
        except AlreadyExists:  # a copy made in the same second (by another process too)
            counter += 1
