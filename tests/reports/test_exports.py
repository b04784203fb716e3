"""Exports in the Polis format, the analysis JSON, the ZIP bundle, and the Polis round trip."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from consult.reports import snapshots

POLIS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "polis"


@pytest.fixture
def analysed(db, voted):
    return snapshots.run_analysis(voted.consultation.id)


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_exports_are_for_organisers(client, voted, analysed, make_user, login):
    assert client.get("/c/camps/exports/votes.csv").status_code == 403
    login(make_user("someone@example.org"))
    assert client.get("/c/camps/exports").status_code == 403
    assert client.get("/c/camps/exports/votes.csv").status_code == 403


def test_every_polis_file_parses_back(client, voted, analysed, organiser, login):
    login(organiser)
    assert client.get("/c/camps/exports").status_code == 200
    assert client.get("/c/camps/exports/secrets.txt").status_code == 404
    assert client.get("/c/nope/exports/votes.csv").status_code == 404

    summary = client.get("/c/camps/exports/summary.csv")
    assert summary.mimetype == "text/csv"
    assert "attachment" in summary.headers["Content-Disposition"]
    keys = dict(csv.reader(io.StringIO(summary.get_data(as_text=True))))
    assert keys["voters"] == "40" and keys["groups"] == "2" and keys["comments"] == "12"

    votes = _csv(client.get("/c/camps/exports/votes.csv"))
    assert len(votes) == voted.n_votes
    assert {int(v["voter-id"]) for v in votes} == set(range(40))
    assert {v["vote"] for v in votes} == {"1", "-1", "0"}

    comments = _csv(client.get("/c/camps/exports/comments.csv"))
    assert {int(c["comment-id"]) for c in comments} == set(voted.statement_ids)
    assert all(c["moderated"] == "1" for c in comments)

    matrix = _csv(client.get("/c/camps/exports/participants-votes.csv"))
    assert len(matrix) == 40
    assert {m["group-id"] for m in matrix} == {"0", "1"}
    first = matrix[0]
    assert int(first["n-votes"]) == sum(first[str(s)] != "" for s in voted.statement_ids)

    groups = _csv(client.get("/c/camps/exports/comment-groups.csv"))
    assert len(groups) == 12 and "group-a-agrees" in groups[0] and "group-b-votes" in groups[0]

    analysis = json.loads(client.get("/c/camps/exports/analysis.json").get_data(as_text=True))
    assert analysis["snapshot_id"] == analysed.id
    assert analysis["parameters"]["random_state"] == 0
    assert sorted(analysis["result"]["participants"]["ids"]) == list(range(40))
    for response in (summary, client.get("/c/camps/exports/analysis.json")):
        assert "example.org" not in response.get_data(as_text=True)
        assert "Secret Name" not in response.get_data(as_text=True)


def test_bundle_has_a_manifest_and_reproduces_the_snapshot(
    client, voted, analysed, organiser, login, tmp_path
):
    login(organiser)
    response = client.get("/c/camps/exports/bundle.zip")
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = set(archive.namelist())
    assert names >= {
        "votes.csv",
        "comments.csv",
        "participants-votes.csv",
        "summary.csv",
        "comment-groups.csv",
        "analysis.json",
        "parameters.json",
        "MANIFEST.sha256",
    }
    manifest = archive.read("MANIFEST.sha256").decode().splitlines()
    assert len(manifest) == len(names) - 1
    for line in manifest:
        digest, name = line.split("  ")
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    params = json.loads(archive.read("parameters.json"))
    assert params["parameters"]["random_state"] == 0 and params["consult_version"]
    assert "example.org" not in b"".join(archive.read(n) for n in names).decode()

    archive.extractall(tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "consult.analysis", str(tmp_path), "--json", "--seed", "0"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    again = json.loads(run.stdout)
    result = analysed.result
    analysis = json.loads(archive.read("analysis.json"))
    numbers = dict(
        zip(result["participants"]["ids"], analysis["result"]["participants"]["ids"], strict=True)
    )
    expected = {
        str(numbers[p]): g
        for p, g in zip(
            result["participants"]["ids"], result["participants"]["groups"], strict=True
        )
        if g >= 0
    }
    assert again["groups"] == expected
    assert again["consensus"] == {
        "agree": result["consensus"]["agree"],
        "disagree": result["consensus"]["disagree"],
    }


def test_withdrawn_votes_are_left_out(client, db, voted, organiser, login):
    import sqlalchemy as sa

    from consult.participation.models import Vote, VoteEvent

    p, s = voted.participant_ids[0], voted.clause_ids[0]
    db.session.execute(sa.delete(Vote).where(Vote.participant_id == p, Vote.statement_id == s))
    db.session.add(
        VoteEvent(
            consultation_id=voted.consultation.id, participant_id=p, statement_id=s, value=None
        )
    )
    db.session.commit()
    login(organiser)
    votes = _csv(client.get("/c/camps/exports/votes.csv"))
    assert len(votes) == voted.n_votes - 1
    matrix = _csv(client.get("/c/camps/exports/participants-votes.csv"))
    assert matrix[0][str(s)] == ""


def _real_export(name: str) -> Path:
    folder = POLIS / name
    if not (folder / "comments.csv").is_file():
        pytest.skip(f"real Polis exports not found at {folder}")
    return folder


def test_import_and_export_a_real_polis_conversation(runner, db, tmp_path):
    from consult.analysis import load_export

    source = _real_export("london.youth.policing")
    result = runner.invoke(args=["import-polis", str(source), "--slug", "youth"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["import-polis", str(source), "--slug", "youth"])
    assert again.exit_code != 0 and "already" in again.output
    out = tmp_path / "out"
    result = runner.invoke(args=["export-polis", "youth", str(out)])
    assert result.exit_code == 0, result.output

    before, after = load_export(source), load_export(out)

    def triples(export):
        v = export.votes
        return set(
            zip(
                v.participant_ids[v.rows].tolist(),
                v.statement_ids[v.cols].tolist(),
                v.values.tolist(),
                strict=True,
            )
        )

    assert triples(after) == triples(before)
    assert after.flags.moderated_out.sum() == before.flags.moderated_out.sum()
    log_before = _csv_lines(source / "votes.csv")
    log_after = _csv_lines(out / "votes.csv")
    assert len(log_after) == len(log_before)  # every change of the log, not only the latest


def _csv_lines(path: Path) -> list:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_import_rejects_a_folder_that_is_not_an_export(runner, tmp_path):
    result = runner.invoke(args=["import-polis", str(tmp_path)])
    assert result.exit_code != 0 and "neither votes.csv" in result.output


def test_import_from_participants_votes_when_votes_csv_is_missing(runner, db, tmp_path):
    import shutil

    from consult.analysis import load_export

    source = _real_export("london.youth.policing")
    folder = tmp_path / "matrix-only"
    folder.mkdir()
    for name in ("comments.csv", "participants-votes.csv", "summary.csv"):
        shutil.copy(source / name, folder / name)
    result = runner.invoke(args=["import-polis", str(folder)])
    assert result.exit_code == 0, result.output
    assert "from participants-votes.csv" in result.output
    out = tmp_path / "out"
    assert runner.invoke(args=["export-polis", "matrix-only", str(out)]).exit_code == 0
    assert load_export(out).votes.n_votes == load_export(folder).votes.n_votes
