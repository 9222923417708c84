"""The one cattrs converter: model objects <-> plain JSON-ready data.

cattrs' default hooks coerce ("false" becomes True, 1.9 becomes 1). Ours are
strict: a value of the wrong type is an error with its path, never a guess.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, TypeVar
from uuid import UUID

import cattrs
from cattrs.errors import ClassValidationError, IterableValidationError

from lessonstudy.errors import LessonStudyError

T = TypeVar("T")


def _strict(kind: type, name: str) -> Any:
    def hook(value: object, _type: object) -> object:
        # bool is a subclass of int: True must not pass as a number of minutes.
        if type(value) is not kind:
            raise TypeError(f"expected {name}, got {_describe(value)}")
        return value

    return hook


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return {int: "a number", float: "a number", str: "text", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__
    )


def _structure_uuid(value: object, _type: object) -> UUID:
    if not isinstance(value, str):
        raise TypeError(f"expected an id (text), got {_describe(value)}")
    return UUID(value)


def _structure_datetime(value: object, _type: object) -> dt.datetime:
    if not isinstance(value, str):
        raise TypeError(f"expected a date and time (text), got {_describe(value)}")
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"date and time {value!r} has no time zone")
    return parsed


def _structure_date(value: object, _type: object) -> dt.date:
    if not isinstance(value, str):
        raise TypeError(f"expected a date (text, YYYY-MM-DD), got {_describe(value)}")
    return dt.date.fromisoformat(value)


def make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(bool, _strict(bool, "true or false"))
    converter.register_structure_hook(int, _strict(int, "a whole number"))
    converter.register_structure_hook(str, _strict(str, "text"))
    converter.register_structure_hook(UUID, _structure_uuid)
    converter.register_unstructure_hook(UUID, str)
    converter.register_structure_hook(dt.datetime, _structure_datetime)
    converter.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    converter.register_structure_hook(dt.date, _structure_date)
    converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    return converter


converter = make_converter()


def unstructure(obj: object) -> Any:
    return converter.unstructure(obj)


def structure(data: object, cls: type[T], *, where: str) -> T:
    """Structure `data`, or raise LessonStudyError naming `where` and the field path."""
    try:
        return converter.structure(data, cls)
    except (ClassValidationError, IterableValidationError) as error:
        problems = cattrs.transform_error(error, path="$")
        raise LessonStudyError(f"{where}: {'; '.join(problems)}") from None
    except (TypeError, ValueError) as error:
        raise LessonStudyError(f"{where}: {error} @ $") from None


def to_json(obj: object) -> str:
    """Canonical JSON text (sorted keys): equal objects give equal text."""
    return json.dumps(unstructure(obj), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
