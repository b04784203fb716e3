"""Every malformed export ends in one ``error:`` line and exit code 2, never a traceback
and never a silently wrong answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from consult.analysis import ExportError, load_export
from consult.analysis.__main__ import main

COMMENTS = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
GOOD_COMMENTS = COMMENTS + "1,x,0,1,0,0,1,a\n2,x,1,1,0,0,0,b\n"
VOTES = "timestamp,datetime,comment-id,voter-id,vote\n"
GOOD_VOTES = VOTES + "1,x,0,5,1\n2,x,1,5,-1\n3,x,0,6,0\n"
MATRIX = "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1\n"
GOOD_MATRIX = MATRIX + "5,0,0,2,1,1,1,-1\n6,,0,1,0,0,0,\n"
ATTRIBUTES = "participant,sector,region,income_group\n"
TWO_63 = str(2**63)

CASES = {
    "no folder": None,
    "no vote files": {"comments.csv": GOOD_COMMENTS},
    "no comments.csv": {"comments.csv": None, "votes.csv": GOOD_VOTES},
    "empty comments.csv": {"comments.csv": "", "votes.csv": GOOD_VOTES},
    "comments lack moderated": {"comments.csv": "comment-id\n0\n", "votes.csv": GOOD_VOTES},
    "comment id not a number": {"comments.csv": COMMENTS + "1,x,zero,1,0,0,1,a\n"},
    "comment id past 64 bits": {"comments.csv": COMMENTS + f"1,x,{TWO_63},1,0,0,1,a\n"},
    "comment id twice": {"comments.csv": COMMENTS + "1,x,0,1,0,0,1,a\n1,x,0,1,0,0,1,b\n"},
    "moderated unknown": {"comments.csv": COMMENTS + "1,x,0,1,0,0,yes,a\n"},
    "comments not UTF-8": {
        "comments.csv": (GOOD_COMMENTS + "3,x,2,1,0,0,1,caf").encode() + b"\xe9\n"
    },
    "0-byte votes, no matrix": {"votes.csv": ""},
    "header-only votes, no matrix": {"votes.csv": VOTES},
    "votes lack a column": {"votes.csv": "timestamp,comment-id,vote\n1,0,1\n"},
    "votes repeat a column": {"votes.csv": "timestamp,comment-id,voter-id,vote,vote\n1,0,5,1,1\n"},
    "voter id not a number": {"votes.csv": VOTES + "1,x,0,five,1\n"},
    "voter id blank": {"votes.csv": VOTES + "1,x,0,,1\n"},
    "voter id 2^63": {"votes.csv": VOTES + f"1,x,0,{TWO_63},1\n"},
    "voter id past 2^64": {"votes.csv": VOTES + f"1,x,0,{2**64 + 5},1\n"},
    "statement id 2^63": {"votes.csv": VOTES + f"1,x,{TWO_63},5,1\n"},
    "vote 2": {"votes.csv": VOTES + "1,x,0,5,2\n"},
    "vote word": {"votes.csv": VOTES + "1,x,0,5,agree\n"},
    "vote NA": {"votes.csv": VOTES + "1,x,0,5,NA\n"},
    "timestamp word": {"votes.csv": VOTES + "soon,x,0,5,1\n"},
    "votes row too short": {"votes.csv": VOTES + "1,x,0\n"},
    "votes not UTF-8": {"votes.csv": VOTES.encode() + b"1,Mo\xff,0,5,1\n"},
    "matrix participant twice": {
        "participants-votes.csv": MATRIX + "5,,0,0,0,0,1,\n5,,0,0,0,0,,1\n"
    },
    "matrix lacks group-id": {"participants-votes.csv": "participant,0\n5,1\n"},
    "matrix vote 5": {"participants-votes.csv": MATRIX + "5,,0,0,0,0,5,1\n"},
    "matrix vote 1.0": {"participants-votes.csv": MATRIX + "5,,0,0,0,0,1.0,1\n"},
    "matrix participant 2^63": {"participants-votes.csv": MATRIX + f"{TWO_63},,0,0,0,0,1,1\n"},
    "matrix participant word": {"participants-votes.csv": MATRIX + "someone,,0,0,0,0,1,1\n"},
    "matrix group word": {"participants-votes.csv": MATRIX + "5,red,0,0,0,0,1,1\n"},
    "matrix short row": {"participants-votes.csv": MATRIX + "5,,0,0,0,0,1\n"},
    "matrix quoted, bad vote": {"participants-votes.csv": MATRIX + '5,"0",0,0,0,0,x,1\n'},
    "matrix statement column 2^63": {
        "participants-votes.csv": f"participant,group-id,{TWO_63}\n5,,1\n"
    },
    "matrix statement column not a number": {
        "participants-votes.csv": "participant,group-id,n-votes,0,abc\n5,,2,1,1\n"
    },
    "matrix not UTF-8": {"participants-votes.csv": MATRIX.encode() + b"5,,0,0,0,0,1,\xff\n"},
    "empty matrix": {"participants-votes.csv": "", "votes.csv": ""},
    "matrix with no votes": {"participants-votes.csv": MATRIX + "5,,0,0,0,0,,\n"},
    "attributes bad sector": {"participant-attributes.csv": ATTRIBUTES + "5,farmer,,\n"},
    "attributes bad region": {"participant-attributes.csv": ATTRIBUTES + "6,,Atlantis,\n"},
    "attributes participant twice": {
        "participant-attributes.csv": ATTRIBUTES + "5,industry,,\n5,academia,,\n"
    },
    "attributes participant word": {"participant-attributes.csv": ATTRIBUTES + "x,industry,,\n"},
    "attributes lack a column": {"participant-attributes.csv": "participant,sector\n5,industry\n"},
    "attributes empty": {"participant-attributes.csv": ""},
}


def build(tmp_path: Path, files: dict | None) -> Path:
    folder = tmp_path / "export"
    if files is None:
        return folder
    folder.mkdir(parents=True)
    defaults = {"comments.csv": GOOD_COMMENTS}
    if not {"votes.csv", "participants-votes.csv"} & set(files):
        defaults["votes.csv"] = GOOD_VOTES
    for name, content in {**defaults, **files}.items():
        if content is None:
            continue
        data = content.encode() if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_export_is_one_error_line_and_exit_2(tmp_path, capsys, case):
    files = CASES[case]
    if case == "no vote files":
        folder = tmp_path / "export"
        folder.mkdir()
        (folder / "comments.csv").write_text(GOOD_COMMENTS)
    else:
        folder = build(tmp_path, files)
    code = main([str(folder), "--json", "--bootstrap", "0"])
    out, err = capsys.readouterr()
    assert code == 2, (case, out[:200], err)
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    with pytest.raises(ExportError):  # the library raises the same, one-line, error
        load_export(folder)


def test_the_message_names_the_problem(tmp_path):
    folder = build(tmp_path, CASES["voter id 2^63"])
    with pytest.raises(ExportError, match=r"'voter-id'.*within 64 bits"):
        load_export(folder)
    folder = build(tmp_path / "b", CASES["matrix participant twice"])
    with pytest.raises(ExportError, match="participant 5 on more than one row"):
        load_export(folder)
    folder = build(tmp_path / "c", CASES["matrix vote 5"])
    with pytest.raises(ExportError, match=r"column '0', row 1: '5' is not a vote"):
        load_export(folder)
    folder = build(tmp_path / "e", {"votes.csv": VOTES + "1,x,0,5,7\n"})
    with pytest.raises(ExportError, match=r"not -1, 0 or 1 \(7\)$"):  # no numpy repr
        load_export(folder)
    folder = build(tmp_path / "d", CASES["matrix short row"])
    with pytest.raises(ExportError, match="row 1 has 7 cells, the header 8"):
        load_export(folder)


@pytest.mark.parametrize(
    "argv",
    [
        ["--weight", "sector"],  # no participant-attributes.csv
        ["--weight", "caste"],
        ["--min-voters", "0"],
        ["--min-voters", "many"],
        ["--bootstrap", "-1"],
    ],
)
def test_bad_options_exit_2(tmp_path, capsys, argv):
    folder = build(tmp_path, {})
    with pytest.raises(SystemExit) as info:
        raise SystemExit(main([str(folder), "--json", *argv]))
    out, err = capsys.readouterr()
    assert info.value.code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err


def test_a_folder_named_votes_csv_is_not_a_vote_log(tmp_path, capsys):
    folder = build(tmp_path, {})
    (folder / "votes.csv").unlink()
    (folder / "votes.csv").mkdir()  # a folder where the vote log should be
    (folder / "participants-votes.csv").write_text(GOOD_MATRIX)
    assert main([str(folder), "--bootstrap", "0"]) == 0  # votes.csv is not a file: matrix
    capsys.readouterr()


def test_utf8_check_across_its_16_mib_chunks(tmp_path):
    from consult.analysis.export_tables import check_utf8

    edge = (1 << 24) - 1
    straddling = tmp_path / "ok.csv"
    straddling.write_bytes(b"a" * edge + "é".encode() + b"b\n")  # é split across chunks
    check_utf8(straddling)
    for name, tail in (("cut.csv", b"\xc3b\n"), ("late.csv", b"a\xff\n")):
        (tmp_path / name).write_bytes(b"a" * edge + tail)
        with pytest.raises(ExportError, match="not UTF-8"):
            check_utf8(tmp_path / name)
