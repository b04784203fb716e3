"""A small valid Polis export written to a folder, the changes that break it, and what
the ``flask import-polis`` tests check (tests/security/test_import_*.py)."""

from __future__ import annotations

from pathlib import Path

ORGANISER = "importer@example.org"
POLIS = Path(__file__).resolve().parents[3] / "shared" / "data" / "polis"
TWO_31, TWO_63 = str(2**31), str(2**63)

COMMENTS_HEADER = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body"
COMMENTS = [
    "1658934589213,Wed Jul 27 2022,0,1,2,1,1,Buses should run all night",
    "1658934600000,Wed Jul 27 2022,1,2,1,1,1,Bike lanes on every main road",
    "1658934700000,Wed Jul 27 2022,2,1,0,2,-1,Ban cars from the centre",
]
VOTES_HEADER = "timestamp,datetime,comment-id,voter-id,vote"
VOTES = [
    "1658934700001,x,0,1,1",
    "1658934700002,x,1,1,-1",
    "1658934700003,x,0,2,1",
    "1658934700004,x,1,2,1",
    "1658934700005,x,2,3,-1",
    "1658934700006,x,0,3,0",
]
MATRIX_HEADER = "participant,xid,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,2"
MATRIX = ["1,,0,2,2,1,1,1,-1,", "2,,0,1,2,2,0,1,1,", "3,,1,0,2,0,1,0,,-1"]
SUMMARY = "topic,Getting around town\nconversation-description,How should the town travel?\n"


def csv_text(header: str, rows: list[str]) -> str:
    return "\n".join([header, *rows]) + "\n"


def write_valid_export(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "comments.csv").write_text(csv_text(COMMENTS_HEADER, COMMENTS))
    (folder / "votes.csv").write_text(csv_text(VOTES_HEADER, VOTES))
    (folder / "participants-votes.csv").write_text(csv_text(MATRIX_HEADER, MATRIX))
    (folder / "summary.csv").write_text(SUMMARY)
    return folder


def put(name: str, content: str | bytes | None):
    """A change that replaces (or, with None, deletes) one file."""

    def change(folder: Path) -> None:
        path = folder / name
        if content is None:
            path.unlink()
        else:
            path.write_bytes(content.encode() if isinstance(content, str) else content)

    return change


def add_row(name: str, row: str | bytes):
    def change(folder: Path) -> None:
        with (folder / name).open("ab") as handle:
            handle.write((row.encode() if isinstance(row, str) else row) + b"\n")

    return change


def edit(name: str, old: str, new: str):
    def change(folder: Path) -> None:
        path = folder / name
        text = path.read_bytes().decode("utf-8")
        assert old in text, (name, old)
        path.write_bytes(text.replace(old, new, 1).encode())

    return change


def both(*changes):
    def change(folder: Path) -> None:
        for one in changes:
            one(folder)

    return change


MATRIX_ONLY = put("votes.csv", None)
VOTES_ONLY = put("participants-votes.csv", None)


# case -> (change, a fragment the one-line message must hold)
def counts(row_count) -> dict[str, int]:
    from consult.consultations.models import Consultation, ConsultationRole, Participant
    from consult.participation.models import Statement, Vote, VoteEvent

    models = (Consultation, ConsultationRole, Participant, Statement, Vote, VoteEvent)
    return {model.__name__: row_count(model) for model in models}


def run_import(runner, folder: Path, *extra: str):
    return runner.invoke(args=["import-polis", str(folder), "--organiser", ORGANISER, *extra])


def assert_refused(result, fragment: str) -> None:
    assert result.exit_code not in (0, None), result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # no traceback
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output
    assert fragment in lines[0], (fragment, lines[0])
