"""Input checked before it reaches a service or the database.

- Ids: every ``<int:...>`` route and every id read from a query string or form is bounded
  to the smallest id column (a 32-bit ``INTEGER`` on PostgreSQL). An id past it cannot
  exist, so the route answers 404 instead of an OverflowError (SQLite, past 64 bits) or a
  DataError (PostgreSQL, past 32 bits).
- Text: no route takes uploads, so a file sent where a text field is expected is refused;
  so is a NUL byte or another C0 control character (tab, CR and LF aside, which text
  areas hold) in any query or form value, or in the path: PostgreSQL refuses NUL in text,
  and no one types the others.
"""

from __future__ import annotations

import re

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from consult.errors import DomainError

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER, the narrowest id column
_DIGITS = re.compile(r"[0-9]{1,10}")
# C0 controls but tab, LF and CR; DEL too. Text fields keep line breaks and tabs.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BoundedIntConverter(IntegerConverter):
    """Flask's ``int`` converter limited to the ids a column can hold: 1 to ``MAX_ID``.
    Past that the URL matches no route (404)."""

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def bounded_id(value: str | int) -> int:
    """``value`` as an id (0 to ``MAX_ID``, ASCII digits only); ValueError otherwise, so it
    serves as ``request.args.get(name, type=bounded_id)``, which then gives the default."""
    text = str(value).strip()
    if not _DIGITS.fullmatch(text) or int(text) > MAX_ID:
        raise ValueError(f"not an id: {text[:20]!r}")
    return int(text)


def optional_id(value: str | int | None) -> int | None:
    """``bounded_id(value)``, or None when ``value`` is missing or not an id."""
    if value is None:
        return None
    try:
        return bounded_id(value)
    except ValueError:
        return None


def has_control_characters(text: str, *, allow_line_breaks: bool = True) -> bool:
    """Whether ``text`` holds a control character (tab, CR and LF allowed unless told)."""
    return bool((_CONTROL if allow_line_breaks else _ANY_CONTROL).search(text))


def check_request_input() -> None:
    """Refuse (400) uploads, and control characters in the path, query or form."""
    if _CONTROL.search(request.path):
        raise DomainError(_("The address holds characters that are not allowed."))
    for key, value in request.args.items(multi=True):
        if has_control_characters(key) or has_control_characters(value):
            raise DomainError(_("The address holds characters that are not allowed."))
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.files:
        raise DomainError(_("This form does not take files. Type your answer as text."))
    for key, value in request.form.items(multi=True):
        if has_control_characters(key) or has_control_characters(value):
            raise DomainError(
                _("What you sent holds control characters (such as a NUL byte). Remove them.")
            )


def register_input_guard(app: Flask) -> None:
    """Install the bounded ``int`` converter (before any route is added) and the check."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(check_request_input)
