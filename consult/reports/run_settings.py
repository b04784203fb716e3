"""The settings of one analysis run, in words, for the method notes.

A snapshot's ``parameters`` mix what a re-run needs (seed, threshold, resamples, voter
floor, version, warm start) with figures stored alongside (the languages breakdown, the
pseudonymous count, the twin run's id). Readers see the documented settings named and
formatted for their language; the raw record stays in the exports."""

from __future__ import annotations

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _


def run_settings(parameters: dict | None) -> list[tuple[str, str]]:
    """(name, value) for each documented setting the run recorded, in a fixed order;
    anything else in ``parameters`` is left out."""
    parameters = parameters or {}
    described = (
        ("threshold", _("Agreement threshold"), lambda v: format_percent(float(v))),
        ("min_voters", _("Voter floor"), lambda v: _("%(n)s voters", n=format_decimal(int(v)))),
        ("n_bootstrap", _("Resamples for stability"), lambda v: format_decimal(int(v))),
        ("random_state", _("Random seed"), lambda v: str(int(v))),
        ("warm_start_from", _("Starting point"), _starting_point),
        ("consult_version", _("Consult version"), str),
    )
    return [
        (name, show(parameters[key]))
        for key, name, show in described
        if key in parameters and (parameters[key] is not None or key == "warm_start_from")
    ]


def _starting_point(previous_id) -> str:
    if previous_id is None:
        return _("computed afresh")
    return _("continued from run %(id)s", id=int(previous_id))
