"""``python -m consult.analysis PATH``: analyse a Polis export folder.

Options: ``--json`` (one JSON object), ``--seed N`` (random_state), ``--bootstrap N``
(stability resamples, default 0: the stability figures are opt-in, as each resample
re-clusters the whole conversation; the app runs 20), ``--min-voters N`` (the voter floor of
every consensus figure) and ``--weight sector|region|income_group`` (each segment of
``participant-attributes.csv`` counts equally in the ``weighted`` section).

Bad input ends with one ``error: ...`` line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter

from .attributes_io import ATTRIBUTE_COLUMNS, ATTRIBUTES_FILE
from .consensus import MIN_VOTERS
from .pipeline import analyse
from .polis_io import ExportError, load_export

WEIGHT_BY = ATTRIBUTE_COLUMNS[1:]


def _section_two(result) -> dict:
    if result.beyond is None:
        return {"note": "section-2 analysis (consult.analysis.beyond) is not available"}
    return result.beyond.to_json_dict()


def _segments(attributes) -> dict | None:
    """Participants per segment, per attribute; None without participant-attributes.csv."""
    if attributes is None:
        return None
    return {
        name: {
            str(value): count
            for value, count in sorted(Counter(getattr(attributes, name).tolist()).items(), key=str)
        }
        for name in WEIGHT_BY
    }


def _statement_agreement(beyond: dict) -> list:
    """Every statement's overall agreement: counts, the agree share and its interval."""
    overall = beyond.get("agreement", {}).get("overall")
    if overall is None:
        return []
    fields = ("voters", "agree", "disagree", "passes", "rate", "lower", "upper")
    return [
        {"statement_id": sid, **{name: overall[name][0][j] for name in fields}}
        for j, sid in enumerate(beyond["statements"])
    ]


def summary(result, seconds: float, attributes=None, load_seconds: float | None = None) -> dict:
    """The JSON object the command prints.

    ``timings`` holds seconds per stage: ``load`` (reading the export), then the engine's
    own stages (``result.timings``; ``beyond`` includes the bootstrap).
    """
    beyond = _section_two(result)
    out = {
        "participants": result.sizes["participants"],
        "statements": result.sizes["statements"],
        "votes": result.sizes["votes"],
        "clustered": result.sizes["clustered"],
        "k": result.k,
        "unimodal": result.unimodal,
        "structure": result.structure_note,
        "structure_p_value": result.structure_p_value,
        "group_sizes": {str(g.id): g.size for g in result.groups},
        "groups": {str(p): g for p, g in result.groups_by_participant().items()},
        "segments": _segments(attributes),
        "consensus": {
            "agree": list(result.consensus.agree),
            "disagree": list(result.consensus.disagree),
        },
        "repness": {
            str(g): [{"statement": r.statement_id, "direction": r.direction} for r in reps]
            for g, reps in result.repness.items()
        },
        "uncertainty": list(result.uncertainty),
        "statement_agreement": _statement_agreement(beyond),
        "min_voters": beyond.get("min_voters"),
        "broad_agreement": beyond.get("broad_agreement", []),
        "not_assessable": beyond.get("not_assessable", []),
        "bridging": beyond.get("bridging", []),
        "weighted": beyond.get("weighted"),
        "seconds": round(seconds, 4),
        "timings": {
            **({} if load_seconds is None else {"load": round(load_seconds, 4)}),
            **{stage: round(float(t), 4) for stage, t in result.timings.items()},
        },
    }
    if "note" in beyond:
        out["note"] = beyond["note"]
    return out


def _text(data: dict) -> str:
    lines = [
        f"{data['participants']} participants, {data['statements']} statements, "
        f"{data['votes']} votes",
        f"{data['clustered']} clustered; {data['structure']}"
        + (
            ""
            if data["structure_p_value"] is None
            else f" (structure p = {data['structure_p_value']:.3g})"
        ),
    ]
    for g, size in data["group_sizes"].items():
        reps = ", ".join(f"{r['statement']} ({r['direction']})" for r in data["repness"][g])
        lines.append(f"  group {g}: {size} participants; representative: {reps or '-'}")
    for name, counts in (data["segments"] or {}).items():
        lines.append(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    lines.append(
        f"consensus agree: {data['consensus']['agree']}  disagree: {data['consensus']['disagree']}"
    )
    lines.append(f"areas of uncertainty: {data['uncertainty']}")
    lines.append(
        f"broad agreement: {len(data['broad_agreement'])} entries; "
        f"not assessable (under {data['min_voters']} voters in a segment): "
        f"{len(data['not_assessable'])}; bridging: {len(data['bridging'])} entries"
    )
    if data["weighted"] is not None:
        weighted = data["weighted"]
        lines.append(
            f"weighted by {weighted['weight_by']}: broad agreement "
            f"{len(weighted.get('broad_agreement', []))} entries"
        )
    if "note" in data:
        lines.append(f"note: {data['note']}")
    lines.append(f"{data['seconds']:.3f} s")
    return "\n".join(lines)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, like every other bad input
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _count(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {value}")
        return value

    return parse


def _parser() -> _Parser:
    parser = _Parser(
        prog="python -m consult.analysis", description="Analyse a Polis export folder."
    )
    parser.add_argument(
        "path",
        help="folder with comments.csv and votes.csv or participants-votes.csv "
        f"(and optionally {ATTRIBUTES_FILE})",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seed", type=int, default=0, help="random_state (default 0)")
    parser.add_argument(
        "--bootstrap",
        type=_count(0),
        default=0,
        metavar="N",
        help="bootstrap resamples for the stability figures (default 0: none; the app runs 20)",
    )
    parser.add_argument(
        "--min-voters",
        type=_count(1),
        default=MIN_VOTERS,
        metavar="N",
        help="voters every segment (and the whole) needs on a statement before any "
        f"consensus figure judges it (default {MIN_VOTERS})",
    )
    parser.add_argument(
        "--weight",
        choices=WEIGHT_BY,
        default=None,
        help=f"count each segment of {ATTRIBUTES_FILE} equally in the weighted section",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    start = time.perf_counter()
    options = {
        "random_state": args.seed,
        "n_bootstrap": args.bootstrap,
        "min_voters": args.min_voters,
    }
    try:
        export = load_export(args.path, polis_groups=False)
        loaded = time.perf_counter() - start
        if args.weight is not None and export.attributes is None:
            raise ExportError(f"--weight {args.weight} needs {ATTRIBUTES_FILE} in {args.path}")
        result = analyse(
            export.votes, export.flags, export.attributes, weight_by=args.weight, **options
        )
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # unreadable file: permissions, a folder named votes.csv, ...
        print(f"error: cannot read {exc.filename or args.path}: {exc.strerror}", file=sys.stderr)
        return 2
    except MemoryError:
        print("error: not enough memory for this export", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the command promises no traceback
        message = str(exc).splitlines()[0] if str(exc) else ""
        print(f"error: analysis failed: {type(exc).__name__}: {message}", file=sys.stderr)
        return 1
    data = summary(result, time.perf_counter() - start, export.attributes, loaded)
    print(json.dumps(data) if args.json else _text(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
