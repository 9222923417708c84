"""The one cattrs converter: model objects <-> plain JSON-ready data.

cattrs' default hooks coerce ("false" becomes True, 1.9 becomes 1). Ours are
strict: a value of the wrong type is an error with its path, never a guess.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import functools
import json
from typing import Any, TypeVar
from uuid import UUID

import cattrs
import cattrs.v
from cattrs.errors import ClassValidationError, IterableValidationError

from lessonstudy.errors import LessonStudyError

T = TypeVar("T")


class InvalidValue(ValueError):
    """A value of the wrong kind; its text says what was expected, in plain words."""


def _strict(kind: type, name: str) -> Any:
    def hook(value: object, _type: object) -> object:
        # bool is a subclass of int: True must not pass as a number of minutes.
        if type(value) is not kind:
            raise InvalidValue(f"expected {name}, got {_describe(value)}")
        return value

    return hook


def _structure_text(value: object, _type: object) -> str:
    if type(value) is not str:
        raise InvalidValue(f"expected text, got {_describe(value)}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:  # "\ud800" in JSON: half of a character
        raise InvalidValue(
            f"text with a broken character (an unpaired {value[error.start]!r}) "
            f"at position {error.start}"
        ) from None
    return value


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
        raise InvalidValue(f"expected an id (text), got {_describe(value)}")
    try:
        return UUID(value)
    except ValueError:
        raise InvalidValue(f"{value!r} is not an id") from None


def _structure_datetime(value: object, _type: object) -> dt.datetime:
    if not isinstance(value, str):
        raise InvalidValue(f"expected a date and time (text), got {_describe(value)}")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidValue(f"{value!r} is not a date and time (ISO 8601)") from None
    if parsed.tzinfo is None:
        raise InvalidValue(f"date and time {value!r} has no time zone")
    return parsed


def _structure_date(value: object, _type: object) -> dt.date:
    if not isinstance(value, str):
        raise InvalidValue(f"expected a date (text, YYYY-MM-DD), got {_describe(value)}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidValue(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _enum_hook(enum_type: type[enum.Enum]) -> Any:
    allowed = ", ".join(repr(member.value) for member in enum_type)

    def hook(value: object, _type: object) -> enum.Enum:
        try:
            return enum_type(value)
        except ValueError:
            raise InvalidValue(f"{value!r} is not one of {allowed}") from None

    return hook


def _format_exception(exc: BaseException, type_: type | None) -> str:
    if isinstance(exc, InvalidValue):
        return str(exc)
    return cattrs.v.format_exception(exc, type_)


def make_converter(*, detailed_validation: bool = True) -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=detailed_validation)
    converter.register_structure_hook(bool, _strict(bool, "true or false"))
    converter.register_structure_hook(int, _strict(int, "a whole number"))
    converter.register_structure_hook(str, _structure_text)
    converter.register_structure_hook(UUID, _structure_uuid)
    converter.register_unstructure_hook(UUID, str)
    converter.register_structure_hook(dt.datetime, _structure_datetime)
    converter.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    converter.register_structure_hook(dt.date, _structure_date)
    converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    converter.register_structure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum_hook
    )
    return converter


# The hooks, without collecting every problem with its path: its generated code is
# simpler, and generating it is most of what reading a study costs a command
# (cattrs generates it per class on first use). Sound data goes through it; data it
# refuses is structured again by `detailed()`, which says what is wrong and where.
# It unstructures everything too: unstructuring validates nothing, so both would
# make the same code and the same data.
_sound_only = make_converter(detailed_validation=False)


@functools.cache
def detailed() -> cattrs.Converter:
    """The same hooks and the same strictness, collecting every problem with its path:
    made when data is first refused (a command reading sound files never needs it)."""
    return make_converter()


def unstructure(obj: object) -> Any:
    return _sound_only.unstructure(obj)


def structure(data: object, cls: type[T], *, where: str) -> T:
    """Structure `data`, or raise LessonStudyError naming `where` and the field path."""
    # Any refusal at all: the detailed converter below says why.
    with contextlib.suppress(Exception):
        return _sound_only.structure(data, cls)
    try:
        return detailed().structure(data, cls)
    except (ClassValidationError, IterableValidationError) as error:
        problems = cattrs.transform_error(error, path="$", format_exception=_format_exception)
        raise LessonStudyError(f"{where}: {'; '.join(problems)}") from None
    except (TypeError, ValueError) as error:
        raise LessonStudyError(f"{where}: {error} @ $") from None
    except (AttributeError, KeyError, IndexError):
        # cattrs looks for an object's fields: a list or a number where an object
        # belongs fails inside it before it can say so.
        raise LessonStudyError(f"{where}: expected an object, got {_describe(data)} @ $") from None
    except RecursionError:
        raise LessonStudyError(f"{where}: nested too deeply @ $") from None


def to_json(obj: object) -> str:
    """Canonical JSON text (sorted keys): equal objects give equal text."""
    return json.dumps(unstructure(obj), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
