"""``flask import-polis`` refuses every malformed export with one ``error:`` line and a
non-zero exit, never a traceback, and writes nothing (issue 12, item 8).

Each case starts from a small valid export written under ``tmp_path`` (or a copy of a real
export from ``../shared/data/polis``) and breaks one thing; the database is counted before
and after.
"""

from __future__ import annotations

import csv
import itertools
import shutil
from pathlib import Path

import pytest

from tests.security.polis_files import (
    COMMENTS,
    COMMENTS_HEADER,
    MATRIX,
    MATRIX_HEADER,
    MATRIX_ONLY,
    ORGANISER,
    POLIS,
    TWO_31,
    TWO_63,
    VOTES_HEADER,
    VOTES_ONLY,
    add_row,
    assert_refused,
    both,
    counts,
    csv_text,
    edit,
    put,
    run_import,
    write_valid_export,
)

MALFORMED = {
    "no comments.csv": (put("comments.csv", None), "has no comments.csv"),
    "no vote files": (
        both(put("votes.csv", None), put("participants-votes.csv", None)),
        "neither votes.csv nor participants-votes.csv",
    ),
    "empty comments.csv": (put("comments.csv", ""), "comments.csv is empty"),
    "empty votes and matrix": (
        both(put("votes.csv", ""), put("participants-votes.csv", "")),
        "participants-votes.csv is empty",
    ),
    "header-only votes, no matrix": (
        both(put("votes.csv", VOTES_HEADER + "\n"), VOTES_ONLY),
        "holds no votes",
    ),
    "comments lack comment-id": (
        edit("comments.csv", ",comment-id,", ",id,"),
        "lacks column(s) comment-id",
    ),
    "comments lack comment-body": (
        edit("comments.csv", "comment-body", "body"),
        "lacks column(s) comment-body",
    ),
    "votes lack voter-id (renamed)": (
        edit("votes.csv", "voter-id", "voter_id"),
        "lacks column(s) voter-id",
    ),
    "votes repeat a column": (edit("votes.csv", ",vote\n", ",vote,vote\n"), "repeats column"),
    "comments row with an extra cell": (
        add_row("comments.csv", "1,x,3,1,0,0,1,An extra,cell"),
        "row 4 has 9 cells, the header 8",
    ),
    "votes row with an extra cell": (add_row("votes.csv", "1,x,0,4,1,1"), "votes.csv"),
    "matrix with an unknown column": (
        both(MATRIX_ONLY, edit("participants-votes.csv", "n-votes", "votes-n")),
        "neither a statement id",
    ),
    "comment-id not a number": (add_row("comments.csv", "1,x,three,1,0,0,1,Hi"), "three"),
    "voter-id not a number": (add_row("votes.csv", "1,x,0,four,1"), "four"),
    "author-id not a number": (add_row("comments.csv", "1,x,3,someone,0,0,1,Hi"), "someone"),
    "negative comment-id": (add_row("comments.csv", "1,x,-3,1,0,0,1,Hi"), "-3"),
    "negative voter-id": (add_row("votes.csv", "1,x,0,-4,1"), "-4"),
    "negative author-id": (add_row("comments.csv", "1,x,3,-1,0,0,1,Hi"), "-1"),
    "comment-id 2^31": (add_row("comments.csv", f"1,x,{TWO_31},1,0,0,1,Hi"), TWO_31),
    "voter-id 2^31": (add_row("votes.csv", f"1,x,0,{TWO_31},1"), TWO_31),
    "author-id 2^31": (add_row("comments.csv", f"1,x,3,{TWO_31},0,0,1,Hi"), TWO_31),
    "matrix participant 2^31": (
        both(MATRIX_ONLY, add_row("participants-votes.csv", f"{TWO_31},,0,0,1,1,0,1,,")),
        TWO_31,
    ),
    "comment-id 2^63": (add_row("comments.csv", f"1,x,{TWO_63},1,0,0,1,Hi"), "past 64 bits"),
    "voter-id 2^63": (add_row("votes.csv", f"1,x,0,{TWO_63},1"), "within 64 bits"),
    "author-id 2^63": (add_row("comments.csv", f"1,x,3,{TWO_63},0,0,1,Hi"), TWO_63[:12]),
    "comment-id a float": (add_row("comments.csv", "1,x,3.5,1,0,0,1,Hi"), "3.5"),
    "voter-id a float": (add_row("votes.csv", "1,x,0,2.0,1"), "2.0"),
    "vote a float": (add_row("votes.csv", "1,x,0,4,0.5"), "0.5"),
    "vote 2": (add_row("votes.csv", "1,x,0,4,2"), "not -1, 0 or 1 (2)"),
    "matrix vote -2": (
        both(MATRIX_ONLY, add_row("participants-votes.csv", "4,,0,0,1,1,0,-2,,")),
        "'-2' is not a vote",
    ),
    "vote on an unknown comment-id": (add_row("votes.csv", "1,x,7,4,1"), "comment-id 7"),
    "matrix column of an unknown comment-id": (
        both(
            MATRIX_ONLY,
            put(
                "participants-votes.csv",
                csv_text(
                    MATRIX_HEADER + ",9", [row + "," for row in MATRIX[:2]] + [MATRIX[2] + ",1"]
                ),
            ),
        ),
        "comment-id 9",
    ),
    "duplicate comment-id": (
        add_row("comments.csv", "1,x,1,2,0,0,1,Another text"),
        "comment-id 1 twice",
    ),
    "duplicate participant rows": (
        both(MATRIX_ONLY, add_row("participants-votes.csv", "2,,0,0,1,1,0,,1,")),
        "participant 2 on more than one row",
    ),
    "comments not UTF-8": (add_row("comments.csv", b"1,x,3,1,0,0,1,caf\xe9"), "not UTF-8"),
    "votes not UTF-8": (add_row("votes.csv", b"1,Mo\xff,0,4,1"), "not UTF-8"),
    "summary not UTF-8": (put("summary.csv", b"topic,caf\xe9\n"), "summary.csv is not UTF-8"),
    "NUL in a comment": (add_row("comments.csv", "1,x,3,1,0,0,1,Hi\0there"), "NUL"),
    "NUL in the summary": (put("summary.csv", "topic,Hi\0\n"), "NUL"),
    "NUL in a vote": (add_row("votes.csv", "1,x,0,4,1\0"), "votes.csv"),
    "huge comment": (add_row("comments.csv", "1,x,3,1,0,0,1," + "a" * 20_000), "20000"),
    "comment past the CSV field limit": (
        add_row("comments.csv", "1,x,3,1,0,0,1," + "a" * 1_000_000),
        "field larger than field limit",
    ),
    "huge topic": (put("summary.csv", "topic," + "t" * 5000 + "\n"), "topic"),
    "empty comment": (add_row("comments.csv", "1,x,3,1,0,0,1,"), "comment-id 3 has no text"),
    "vote timestamp past year 9999": (add_row("votes.csv", "1e20,x,0,4,1"), "1e+20"),
    "vote timestamp not a number": (add_row("votes.csv", "nan,x,0,4,1"), "nan"),
    "vote timestamp negative": (add_row("votes.csv", "-5,x,0,4,1"), "-5"),
    "comment timestamp past year 9999": (
        add_row("comments.csv", "99999999999999999,x,3,1,0,0,1,Hi"),
        "99999999999999999",
    ),
    "comment timestamp not a number": (add_row("comments.csv", "soon,x,3,1,0,0,1,Hi"), "soon"),
    "blank vote": (add_row("votes.csv", "1,x,0,4,"), "is blank"),
    "moderated unknown": (add_row("comments.csv", "1,x,3,1,0,0,yes,Hi"), "'yes'"),
}

# Variants a real export may show, which must import.
ACCEPTED = {
    "valid": lambda folder: None,
    "byte-order marks": lambda folder: [
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes()) for path in folder.glob("*.csv")
    ],
    "CRLF line ends": lambda folder: [
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n")) for path in folder.glob("*.csv")
    ],
    "only participants-votes.csv": MATRIX_ONLY,
    "an extra named comments column": lambda folder: (folder / "comments.csv").write_text(
        csv_text("is-meta," + COMMENTS_HEADER, ["0," + row for row in COMMENTS])
    ),
    "no summary.csv": put("summary.csv", None),
}


@pytest.fixture
def importer(make_user):
    return make_user(ORGANISER)


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_export_is_refused_and_nothing_written(
    case, runner, tmp_path, importer, row_count
):
    change, fragment = MALFORMED[case]
    folder = write_valid_export(tmp_path / "export")
    change(folder)
    before = counts(row_count)
    assert_refused(run_import(runner, folder, "--slug", "broken"), fragment)
    assert counts(row_count) == before


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_harmless_variants_import(case, runner, tmp_path, importer, db):
    from consult.consultations.models import Consultation
    from consult.participation.models import Statement

    folder = write_valid_export(tmp_path / "export")
    ACCEPTED[case](folder)
    result = run_import(runner, folder, "--slug", "fine")
    assert result.exit_code == 0, result.output
    assert "3 statements, 3 participants who voted" in result.output
    consultation = db.session.scalar(db.select(Consultation).filter_by(slug="fine"))
    texts = db.session.scalars(
        db.select(Statement.text).filter_by(consultation_id=consultation.id)
    ).all()
    assert sorted(texts) == sorted(row.rsplit(",", 1)[1] for row in COMMENTS)


@pytest.mark.parametrize(
    "path, fragment",
    [("missing", "does not exist"), ("export/comments.csv", "is a file")],
)
def test_a_folder_that_is_not_there_is_refused(
    path, fragment, runner, tmp_path, importer, row_count
):
    write_valid_export(tmp_path / "export")
    before = counts(row_count)
    result = run_import(runner, tmp_path / path)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert fragment in result.output and "Traceback" not in result.output
    assert counts(row_count) == before


def _first_comment(folder: Path) -> list[str]:
    with (folder / "comments.csv").open(newline="", encoding="utf-8-sig") as handle:
        return next(itertools.islice(csv.reader(handle), 1, None))


def _write_row(folder: Path, name: str, row: list[str]) -> None:
    with (folder / name).open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerow(row)


def _nul_in_first_comment(folder: Path) -> None:
    path = folder / "comments.csv"
    first = _first_comment(folder)
    text = path.read_text(encoding="utf-8-sig")
    body = first[-1]
    assert body in text
    path.write_text(text.replace(body, body[:3] + "\0" + body[3:], 1), encoding="utf-8")


REAL_BREAKS = {
    "a comment row repeated": (
        lambda f: _write_row(f, "comments.csv", _first_comment(f)),
        "twice",
    ),
    "a voter id past 64 bits": (add_row("votes.csv", f"1658933760180,x,1,{TWO_63},1"), "64 bits"),
    "a voter id past 2^31": (add_row("votes.csv", f"1658933760180,x,1,{TWO_31},1"), TWO_31),
    "cut off mid-row": (
        lambda f: (f / "votes.csv").write_bytes((f / "votes.csv").read_bytes()[:-7]),
        "votes.csv",
    ),
    "a NUL in a comment": (_nul_in_first_comment, "NUL"),
}
REAL_EXPORTS = sorted(p.name for p in POLIS.glob("*") if (p / "comments.csv").is_file())


@pytest.mark.parametrize("export", REAL_EXPORTS or ["(missing)"])
@pytest.mark.parametrize("case", list(REAL_BREAKS))
def test_a_broken_copy_of_a_real_export_is_refused(
    case, export, runner, tmp_path, importer, row_count
):
    if not REAL_EXPORTS:
        pytest.skip(f"the real Polis exports are missing: no export found under {POLIS}")
    folder = tmp_path / "real"
    shutil.copytree(POLIS / export, folder)
    change, fragment = REAL_BREAKS[case]
    change(folder)
    before = counts(row_count)
    assert_refused(run_import(runner, folder, "--slug", "real"), fragment)
    assert counts(row_count) == before
