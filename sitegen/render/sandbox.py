"""Render stage's sandbox: the Jinja environment in which templates run.

Input: the site's templates; output: the values they make, exactly as a plain
Environment makes them, unless one would be larger than a page may be. Jinja's
SandboxedEnvironment already refuses private attributes and unsafe calls; this one
also refuses, before it is made, any text or list that would hold more than
PAGE_BYTES characters or items: repetition (`'x' * 10**10`), `%` and format widths,
center/ljust/rjust/zfill, joins, replacements, indents and concatenation. Such a
value is refused at once at the template's line (ValueTooLarge) instead of growing
until the machine runs out of memory. What slips past these checks meets the
address-space limit of the rendering workers (templates.limit_address_space).
"""

from __future__ import annotations

import math
import re
import string
import types
from collections.abc import Callable, Collection, Iterable, Mapping, Sized
from functools import update_wrapper
from typing import Any

import jinja2
from jinja2 import filters as jinja_filters
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.exceptions import SecurityError
from jinja2.nodes import Concat, EvalContext
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from jinja2.utils import generate_lorem_ipsum
from markupsafe import Markup, soft_str

from sitegen.base.i18n import _

PAGE_BYTES = 10_000_000
"""The largest page a template may write, in bytes (10 MB); no value a template makes
(a text in characters, a list in items, a number in digits) may be larger either."""

SANDBOX_VERSION = "bounded-1"
"""Names the code the sandbox compiles templates to: compiled templates are cached
between builds (compiled.SignedBytecodeCache) under a key that includes it, so a
template compiled without these checks is never run. Change it with the checks."""


class TemplateLimit(Exception):
    """A template went past one of the limits that keep a build from running for hours
    or taking the machine's memory."""


class ValueTooLarge(TemplateLimit):
    """A template was about to make a value larger than PAGE_BYTES."""

    def __init__(self, what: str, size: int, unit: str) -> None:
        super().__init__(what, size, unit)
        self.what, self.size, self.unit = what, size, unit

    def __str__(self) -> str:
        if self.unit == "items":
            message = _(
                "{what} would make a list of {size} items; a template may make {limit} at most "
                "(use a smaller count)"
            )
        elif self.unit == "digits":
            message = _(
                "{what} would make a number of {size} digits; a template may make {limit} at most "
                "(use smaller numbers)"
            )
        else:
            message = _(
                "{what} would make a text of {size} characters; "
                "a template may make {limit} at most (use a smaller count or width)"
            )
        return message.format(what=self.what, size=self.size, limit=PAGE_BYTES)


def check_size(what: str, size: int, unit: str = "characters") -> None:
    """Refuse a value of size characters (or items, or digits) larger than PAGE_BYTES.

    Raises:
        ValueTooLarge: when size is over PAGE_BYTES.
    """
    if size > PAGE_BYTES:
        raise ValueTooLarge(what, size, unit)


_TEXTS = (str, bytes, bytearray)
_LISTS = (list, tuple)
_METHODS = (types.MethodType, types.BuiltinMethodType)
"""The types of a text's or a list's methods (str.format, Markup.center, list.extend)."""
_SIZED = _TEXTS + _LISTS


def _unit(value: object) -> str:
    return "characters" if isinstance(value, _TEXTS) else "items"


def _count(value: object) -> int:
    """Return value as a count, for a width or a repetition (0 when it is none)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _check_repetition(what: str, left: object, right: object) -> None:
    for sequence, times in ((left, right), (right, left)):
        if isinstance(sequence, _TEXTS + _LISTS):
            check_size(what, len(sequence) * _count(times), _unit(sequence))


def _digits(number: int) -> int:
    return math.ceil(abs(number).bit_length() * math.log10(2))


def _check_binop(operator: str, left: object, right: object) -> None:
    """Refuse an operator whose result would be too large (ValueTooLarge)."""
    if operator == "+":
        if isinstance(left, _SIZED) and isinstance(right, _SIZED):
            check_size("+", len(left) + len(right), _unit(left))
        return
    both_numbers = _count(left) == left and _count(right) == right
    if operator == "*" and both_numbers:
        check_size("*", _digits(_count(left)) + _digits(_count(right)), "digits")
    elif operator == "*":
        _check_repetition("*", left, right)
    elif operator == "**" and both_numbers:
        check_size("**", _digits(_count(left)) * max(_count(right), 0), "digits")
    elif operator == "%" and isinstance(left, str):
        check_percent_format("%", left, right)


_PERCENT_FIELD = re.compile(r"%(\([^)]*\))?[#0 +-]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.?)", re.S)


def check_percent_format(what: str, template: str, values: object) -> None:
    """Refuse a `%` formatting whose widths and precisions (`%0999999999d`, `%*d`)
    would make a text too large.

    Raises:
        ValueTooLarge: when the widths add up to more than PAGE_BYTES.
    """
    given = list(values) if isinstance(values, tuple) else [values]
    size = len(template)
    for field in _PERCENT_FIELD.finditer(template):
        named, width, precision, conversion = field.groups()
        if conversion == "%" and not named:
            continue
        for number in (width, precision):
            if number == "*":
                size += _count(given.pop(0)) if given else 0
            elif number:
                size += int(number)
        if given and not named:
            given.pop(0)
    check_size(what, size)


def check_format_spec(what: str, spec: str) -> None:
    """Refuse a str.format field whose width or precision (`{:>999999999}`) is too large.

    Raises:
        ValueTooLarge: when the numbers in the field's spec add up to more than PAGE_BYTES.
    """
    check_size(what, sum(int(number) for number in re.findall(r"\d+", spec)))


class _BoundedFields:
    """A string.Formatter mixin that checks each field's spec before formatting it."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        check_format_spec(".format()", format_spec)
        return super().format_field(value, format_spec)  # type: ignore[misc]


class BoundedFormatter(_BoundedFields, SandboxedFormatter):
    """str.format in a template, for plain text."""


class BoundedEscapeFormatter(_BoundedFields, SandboxedEscapeFormatter):
    """str.format in a template, for Markup (which escapes what it inserts)."""


def _check_method(method: object, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Return args for a bound method, refusing a call of a text's or a list's method
    whose result would be too large (a text's join gets its items as a list, to measure)."""
    owner, name = method.__self__, method.__name__  # type: ignore[attr-defined]
    what = f".{name}()"
    if isinstance(owner, _TEXTS):
        if name == "join" and args and not isinstance(args[0], Sized):
            args = (list(args[0]), *args[1:])
        _check_text_method(what, owner, name, list(args))
    elif isinstance(owner, list | set | dict) and name in ("extend", "update") and args:
        added = args[0]
        check_size(what, len(owner) + (len(added) if isinstance(added, Sized) else 0), "items")
    return args


def _check_text_method(
    what: str, text: str | bytes | bytearray, name: str, args: list[Any]
) -> None:
    size = len(text)
    if name in ("center", "ljust", "rjust", "zfill") and args:
        size = _count(args[0])
    elif name == "expandtabs":
        tab = b"\t" if isinstance(text, bytes | bytearray) else "\t"
        size += text.count(tab) * _count(args[0] if args else 8)  # type: ignore[arg-type]
    elif name == "replace" and len(args) >= 2:
        size = _replaced_size(text, *args)
    elif name == "join" and args and isinstance(args[0], Collection):
        size = len(text) * len(args[0]) + _texts_size(args[0])
    elif name == "translate" and args and isinstance(args[0], Mapping):
        longest = max((len(v) for v in args[0].values() if isinstance(v, str)), default=1)
        size *= max(longest, 1)
    check_size(what, size)


def _replaced_size(text: Any, old: Any, new: Any, count: Any = -1) -> int:
    """Return the length of text.replace(old, new, count), without making it."""
    if not isinstance(old, Sized) or not isinstance(new, Sized):
        return len(text)
    found = text.count(old) if len(old) else len(text) + 1
    if _count(count) >= 0 and count == _count(count):
        found = min(found, count)
    return len(text) + found * (len(new) - len(old))


def _texts_size(values: Iterable[Any]) -> int:
    return sum(len(value) for value in values if isinstance(value, _TEXTS))


class _BoundedCodeGenerator(CodeGenerator):
    """Compiles `a ~ b` to a concatenation that checks its length before it is made."""

    @optimizeconst
    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.concat_within_limit({join}, (")
        for part in node.nodes:
            self.visit(part, frame)
            self.write(", ")
        self.write("))")


class BoundedEnvironment(SandboxedEnvironment):
    """Jinja's sandbox, which also refuses to make any value larger than PAGE_BYTES."""

    intercepted_binops = frozenset({"*", "%", "+", "**"})
    code_generator_class = _BoundedCodeGenerator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._safe_attributes: dict[tuple[type, str], bool] = {}
        self.globals["lipsum"] = bounded_lipsum
        self.filters.update(
            format=bounded_format,
            center=bounded_center,
            indent=bounded_indent,
            join=bounded_join,
            replace=bounded_replace,
            wordwrap=bounded_wordwrap,
            batch=bounded_batch,
            slice=bounded_slice,
            sum=bounded_sum,
            tojson=bounded_tojson,
        )

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Return obj.attribute as Jinja's sandbox does, with its verdict on each
        attribute remembered per type and name (it depends on nothing else): a page
        reads hundreds of attributes, and the sandbox's checks took most of that time."""
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            return super().getattr(obj, attribute)  # an item, or undefined
        if type(value) in _METHODS:
            formatted = self.wrap_str_format(value)
            if formatted is not None:
                return formatted
        safe = self._safe_attributes.get((type(obj), attribute))  # is_safe_attribute's
        if safe or (safe is None and self.is_safe_attribute(obj, attribute, value)):
            return value
        return self.unsafe_undefined(obj, attribute)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Return Jinja's sandbox's verdict on obj.attr, remembered per type and name."""
        key = (type(obj), attr)
        safe = self._safe_attributes.get(key)
        if safe is None:
            safe = self._safe_attributes[key] = super().is_safe_attribute(obj, attr, value)
        return safe

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """Apply operator unless its result would be larger than PAGE_BYTES."""
        _check_binop(operator, left, right)
        return self.binop_table[operator](left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Call __obj unless it is a method whose result would be larger than PAGE_BYTES."""
        if type(__obj) in _METHODS:
            args = _check_method(__obj, args)
        if not __self.is_safe_callable(__obj):  # as Jinja's sandbox, one call less
            raise SecurityError(f"{__obj!r} is not safely callable")
        return __context.call(__obj, *args, **kwargs)

    def concat_within_limit(
        self, join: Callable[[Iterable[str]], str], parts: tuple[Any, ...]
    ) -> str:
        """Return `a ~ b ~ …` made by join, unless it would be longer than PAGE_BYTES."""
        texts = [soft_str(part) for part in parts]  # as join would
        check_size("~", sum(map(len, texts)))
        return join(texts)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """Return str.format and str.format_map for a template, with bounded widths."""
        if type(value) not in _METHODS:
            return None
        if value.__name__ not in ("format", "format_map"):
            return None
        text = getattr(value, "__self__", None)
        if not isinstance(text, str):
            return None
        formatter: string.Formatter
        if isinstance(text, Markup):
            formatter = BoundedEscapeFormatter(self, escape=text.escape)
        else:
            formatter = BoundedFormatter(self)
        is_map = value.__name__ == "format_map"

        def formatted(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                return type(text)(formatter.vformat(text, (), args[0]))
            return type(text)(formatter.vformat(text, args, kwargs))

        return update_wrapper(formatted, value)


def bounded_format(value: str, *args: Any, **kwargs: Any) -> str:
    """The format filter (`'%05d'|format(1)`), with bounded widths."""
    check_percent_format("|format", soft_str(value), kwargs or args)
    return jinja_filters.do_format(value, *args, **kwargs)


def bounded_center(value: str, width: int = 80) -> str:
    """The center filter, for widths up to PAGE_BYTES."""
    check_size("|center", _count(width))
    return jinja_filters.do_center(value, width)


def bounded_indent(s: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    """The indent filter, unless its result would be longer than PAGE_BYTES."""
    indent = len(width) if isinstance(width, str) else _count(width)
    text = soft_str(s)
    check_size("|indent", len(text) + (text.count("\n") + 2) * indent)
    return jinja_filters.do_indent(s, width, first, blank)


@jinja2.pass_eval_context
def bounded_join(
    eval_ctx: EvalContext, value: Iterable[Any], d: str = "", attribute: str | int | None = None
) -> str:
    """The join filter, unless its result would be longer than PAGE_BYTES."""
    if attribute is not None:
        value = map(jinja_filters.make_attrgetter(eval_ctx.environment, attribute), value)
    items = list(value)
    check_size("|join", len(soft_str(d)) * max(len(items) - 1, 0) + _texts_size(items))
    return jinja_filters.sync_do_join(eval_ctx, items, d)


@jinja2.pass_eval_context
def bounded_replace(
    eval_ctx: EvalContext, s: str, old: str, new: str, count: int | None = None
) -> str:
    """The replace filter, unless its result would be longer than PAGE_BYTES."""
    found = -1 if count is None else count
    check_size("|replace", _replaced_size(soft_str(s), soft_str(old), soft_str(new), found))
    return jinja_filters.do_replace(eval_ctx, s, old, new, count)


@jinja2.pass_environment
def bounded_wordwrap(
    environment: jinja2.Environment,
    s: str,
    width: int = 79,
    break_long_words: bool = True,
    wrapstring: str | None = None,
    break_on_hyphens: bool = True,
) -> str:
    """The wordwrap filter, unless its result could be longer than PAGE_BYTES."""
    between = len(environment.newline_sequence if wrapstring is None else wrapstring)
    check_size("|wordwrap", len(s) + (len(s) + 1) * between)
    return jinja_filters.do_wordwrap(
        environment, s, width, break_long_words, wrapstring, break_on_hyphens
    )


def bounded_batch(value: Iterable[Any], linecount: int, fill_with: Any = None) -> Any:
    """The batch filter, which fills its last batch up to PAGE_BYTES items at most."""
    if fill_with is not None:
        check_size("|batch", _count(linecount), "items")
    return jinja_filters.do_batch(value, linecount, fill_with)


def bounded_slice(value: Any, slices: int, fill_with: Any = None) -> Any:
    """The slice filter, for up to PAGE_BYTES slices."""
    check_size("|slice", _count(slices), "items")
    return jinja_filters.sync_do_slice(value, slices, fill_with)


@jinja2.pass_environment
def bounded_sum(
    environment: jinja2.Environment,
    iterable: Iterable[Any],
    attribute: str | int | None = None,
    start: Any = 0,
) -> Any:
    """The sum filter, unless it would join lists into one of more than PAGE_BYTES items."""
    if attribute is not None:
        iterable = map(jinja_filters.make_attrgetter(environment, attribute), iterable)
    items = list(iterable)
    if isinstance(start, Sized):
        sizes = (len(item) for item in items if isinstance(item, Sized))
        check_size("|sum", len(start) + sum(sizes), _unit(start))
    return jinja_filters.sync_do_sum(environment, items, start=start)


@jinja2.pass_eval_context
def bounded_tojson(eval_ctx: EvalContext, value: Any, indent: int | None = None) -> Markup:
    """The tojson filter, unless its indents would make it longer than PAGE_BYTES."""
    if indent is not None:
        step = len(indent) if isinstance(indent, str) else _count(indent)  # json takes both
        compact = jinja_filters.do_tojson(eval_ctx, value)
        check_size("|tojson", len(compact) * (1 + step))
    return jinja_filters.do_tojson(eval_ctx, value, indent)


def bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    """lipsum() for templates, for up to about PAGE_BYTES characters."""
    check_size("lipsum()", _count(n) * _count(max) * 12)
    return str(generate_lorem_ipsum(n, html, min, max))
