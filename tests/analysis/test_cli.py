"""``python -m consult.analysis`` end to end, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYS = {
    "participants",
    "statements",
    "votes",
    "k",
    "groups",
    "consensus",
    "broad_agreement",
    "bridging",
    "seconds",
}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "consult.analysis", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_json_output(polis_root):
    done = run(str(polis_root / "brexit-consensus"), "--json", "--seed", "3")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) >= KEYS
    assert (data["participants"], data["statements"], data["votes"]) == (204, 50, 5303)
    assert data["k"] >= 2 and 0.0 < data["structure_p_value"] <= 0.05
    assert set(data["groups"].values()) == set(range(data["k"]))
    assert all(key.isdigit() for key in data["groups"])
    assert set(data["consensus"]) == {"agree", "disagree"}
    assert isinstance(data["broad_agreement"], list) and isinstance(data["bridging"], list)


def test_text_output(polis_root):
    done = run(str(polis_root / "london.youth.policing"))
    assert done.returncode == 0, done.stderr
    assert "26 participants" in done.stdout


@pytest.mark.parametrize(
    "setup",
    ["missing", "no_votes", "bad_header", "non_numeric", "empty"],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, setup):
    folder = tmp_path / "conv"
    if setup != "missing":
        folder.mkdir()
        (folder / "comments.csv").write_text("comment-id,moderated\n0,1\n")
        votes = {
            "no_votes": None,
            "bad_header": "a,b,c\n1,2,3\n",
            "non_numeric": "timestamp,comment-id,voter-id,vote\n1,0,1,agree\n",
            "empty": "timestamp,comment-id,voter-id,vote\n",
        }[setup]
        if votes is not None:
            (folder / "votes.csv").write_text(votes)
    done = run(str(folder), "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_bad_arguments_exit_2():
    done = run("--seed", "many")
    assert done.returncode == 2 and "Traceback" not in done.stderr
