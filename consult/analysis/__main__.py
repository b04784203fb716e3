"""``python -m consult.analysis PATH [--json] [--seed N]``: analyse a Polis export folder.

Bad input ends with one ``error: ...`` line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from .pipeline import analyse
from .polis_io import ExportError, load_export


def _section_two(result) -> tuple[list, list, str | None]:
    if result.beyond is None:
        return [], [], "section-2 analysis (consult.analysis.beyond) is not available"
    data = result.beyond.to_json_dict()
    return data.get("broad_agreement", []), data.get("bridging", []), None


def summary(result, seconds: float) -> dict:
    """The JSON object the command prints."""
    broad, bridging, note = _section_two(result)
    out = {
        "participants": result.sizes["participants"],
        "statements": result.sizes["statements"],
        "votes": result.sizes["votes"],
        "clustered": result.sizes["clustered"],
        "k": result.k,
        "unimodal": result.unimodal,
        "structure": result.structure_note,
        "group_sizes": {str(g.id): g.size for g in result.groups},
        "groups": {str(p): g for p, g in result.groups_by_participant().items()},
        "consensus": {
            "agree": list(result.consensus.agree),
            "disagree": list(result.consensus.disagree),
        },
        "repness": {
            str(g): [{"statement": r.statement_id, "direction": r.direction} for r in reps]
            for g, reps in result.repness.items()
        },
        "uncertainty": list(result.uncertainty),
        "broad_agreement": broad,
        "bridging": bridging,
        "seconds": round(seconds, 4),
    }
    if note:
        out["note"] = note
    return out


def _text(data: dict) -> str:
    lines = [
        f"{data['participants']} participants, {data['statements']} statements, "
        f"{data['votes']} votes",
        f"{data['clustered']} clustered; {data['structure']}",
    ]
    for g, size in data["group_sizes"].items():
        reps = ", ".join(f"{r['statement']} ({r['direction']})" for r in data["repness"][g])
        lines.append(f"  group {g}: {size} participants; representative: {reps or '-'}")
    lines.append(
        f"consensus agree: {data['consensus']['agree']}  disagree: {data['consensus']['disagree']}"
    )
    lines.append(f"areas of uncertainty: {data['uncertainty']}")
    lines.append(
        f"broad agreement: {len(data['broad_agreement'])} entries; "
        f"bridging: {len(data['bridging'])} entries"
    )
    if "note" in data:
        lines.append(f"note: {data['note']}")
    lines.append(f"{data['seconds']:.3f} s")
    return "\n".join(lines)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, like every other bad input
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(2)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(
        prog="python -m consult.analysis", description="Analyse a Polis export folder."
    )
    parser.add_argument(
        "path", help="folder with comments.csv and votes.csv or participants-votes.csv"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seed", type=int, default=0, help="random_state (default 0)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        export = load_export(args.path)
        result = analyse(export.votes, export.flags, random_state=args.seed)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the command promises no traceback
        print(f"error: analysis failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    data = summary(result, time.perf_counter() - start)
    print(json.dumps(data) if args.json else _text(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
