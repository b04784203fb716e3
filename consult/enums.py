"""Enums whose members carry their display label, so no module keeps a parallel dict.

A member is written ``NAME = (value, label)``: the value is what the database stores and
forms post; the label (a ``lazy_gettext`` string) is what people read, translated in the
language of the request that shows it (so a form's choices may be built at import time).
This module imports no Flask.
"""

from __future__ import annotations

import enum


class _Labelled:
    """The ``label`` property both kinds of labelled enum share."""

    @property
    def label(self):
        """The display label, still lazy: it is translated when it is shown."""
        return self._label


class LabelledEnum(_Labelled, enum.Enum):
    """A string-valued enum with a translated ``label`` per member."""

    def __new__(cls, value: str, label):
        member = object.__new__(cls)
        member._value_ = value
        member._label = label
        return member


class LabelledIntEnum(_Labelled, enum.IntEnum):
    """An integer enum with a translated ``label`` per member."""

    def __new__(cls, value: int, label):
        member = int.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member
