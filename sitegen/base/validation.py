"""Turn pydantic's validation errors into sitegen Problems that say what to write instead."""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from sitegen.base.errors import Problem, did_you_mean
from sitegen.base.i18n import N_, _

Loc = tuple[str | int, ...]

CUSTOM = "sitegen"
"""Error type of our own validators: their message is shown as it is."""

_MESSAGES = {
    "missing": N_("is required"),
    "string_type": N_("expected text; put it in quotes"),
    "string_too_short": N_("must not be empty"),
    "int_type": N_("expected a whole number, e.g. 1200"),
    "int_parsing": N_("expected a whole number, e.g. 1200"),
    "int_from_float": N_("expected a whole number, e.g. 1200"),
    "greater_than_equal": N_("must not be negative"),
    "bool_type": N_("expected true or false"),
    "bool_parsing": N_("expected true or false"),
    "float_type": N_("expected a number, e.g. 50.08"),
    "float_parsing": N_("expected a number, e.g. 50.08"),
    "list_type": N_("expected a list: one '- item' per line"),
    "tuple_type": N_("expected a list: one '- item' per line"),
    "too_short": N_("needs at least one item"),
    "too_long": N_("has too many items"),
    "dict_type": N_("expected 'key: value' lines indented under it"),
    "model_type": N_("expected 'key: value' lines indented under it"),
    "model_attributes_type": N_("expected 'key: value' lines indented under it"),
}


def fail(message: str) -> PydanticCustomError:
    """Return an error for a validator to raise, with message shown as it is."""
    return PydanticCustomError(CUSTOM, "{message}", {"message": message})


def field_name(loc: Loc) -> str:
    """Return loc written as users see it: documents[0].file."""
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def translate_errors(
    error: ValidationError, model: type[BaseModel], rel_path: str, line_of: Callable[[Loc], int]
) -> list[Problem]:
    """Return one Problem per pydantic error, with the line of the offending key."""
    problems = []
    for detail in error.errors():
        loc = tuple(detail["loc"])
        message = _message(detail, model, loc)
        line = line_of(loc if detail["type"] != "missing" else loc[:-1])
        problems.append(Problem(rel_path, line, field_name(loc), message))
    return problems


def _message(detail: Any, model: type[BaseModel], loc: Loc) -> str:
    kind = detail["type"]
    if kind == CUSTOM:
        return str(detail["msg"])
    if kind == "extra_forbidden":
        return _unknown_key(str(loc[-1]), _model_at(model, loc[:-1]))
    if kind == "literal_error":
        return _("{value!r} is not allowed; write one of: {allowed}").format(
            value=detail["input"], allowed=str(detail["ctx"]["expected"]).replace(" or ", _(" or "))
        )
    if kind == "missing":
        return _(_MESSAGES[kind]) + _allowed_values(model, loc)
    if kind in _MESSAGES:
        return _(_MESSAGES[kind])
    return _("the value is not valid here ({reason})").format(reason=detail["msg"])


def _allowed_values(model: type[BaseModel], loc: Loc) -> str:
    """Return "; write one of: …" when the key at loc takes a fixed set of values."""
    parent = _model_at(model, loc[:-1])
    field = parent.model_fields.get(str(loc[-1])) if parent else None
    if field is None or typing.get_origin(field.annotation) is not typing.Literal:
        return ""
    values = [repr(value) for value in typing.get_args(field.annotation)]
    return _("; write one of: {values}").format(
        values=", ".join(values[:-1]) + _(" or ") + values[-1]
    )


def _unknown_key(key: str, model: type[BaseModel] | None) -> str:
    known = sorted(model.model_fields) if model else []
    hint = did_you_mean(key, known)
    if hint:
        return _("unknown key{hint}").format(hint=hint)
    return _("unknown key; the keys allowed here are {keys}").format(keys=", ".join(known))


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """Return the model class that validates the mapping at loc."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        current = _first_model(current.model_fields[part].annotation)
        if current is None:
            return None
    return typing.cast(type[BaseModel], current)


def _first_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            found = _first_model(arg)
            if found:
                return found
    return None
