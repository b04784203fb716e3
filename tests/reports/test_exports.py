"""Exports in the Polis format, the analysis JSON and the ZIP bundle (import: test_polis_import)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
import zipfile

import pytest

from consult.reports import snapshots


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


def _numbered(entries: list[dict], comment_ids: dict) -> list[dict]:
    """Broad-agreement style entries with statement ids turned into the exports' numbers."""
    return [{**e, "statement_id": comment_ids[e["statement_id"]]} for e in entries]


def test_bundle_has_a_manifest_and_reproduces_the_snapshot(
    client, db, voted, analysed, organiser, login, tmp_path
):
    from consult.participation.models import ModerationState, Statement

    # Moderators decide after the run: the bundle still describes what the run saw.
    db.session.get(Statement, voted.statement_ids[2]).moderation_state = ModerationState.REJECTED
    db.session.get(Statement, voted.statement_ids[3]).moderation_state = ModerationState.META
    db.session.commit()
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
        "participant-attributes.csv",
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
    attributes = list(
        csv.DictReader(io.StringIO(archive.read("participant-attributes.csv").decode()))
    )
    assert [a["participant"] for a in attributes] == [str(n) for n in range(40)]
    assert {a["sector"] for a in attributes} == {
        "government",
        "industry",
        "academia",
        "civil_society",
        "citizen",
    }
    assert all(a["region"] and a["income_group"] for a in attributes)

    # The command parameters.json documents, run as written in the unzipped bundle.
    archive.extractall(tmp_path)
    command = params["reproduce"].split()
    assert command[:3] == ["python", "-m", "consult.analysis"] and "--min-voters" in command
    command = [sys.executable, *command[1:3], str(tmp_path), *command[4:]]
    run = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
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
    comment_ids = dict(
        zip(result["statements"], analysis["result"]["statement_comment_ids"], strict=True)
    )
    assert again["consensus"] == {
        "agree": [comment_ids[s] for s in result["consensus"]["agree"]],
        "disagree": [comment_ids[s] for s in result["consensus"]["disagree"]],
    }
    beyond = result["beyond"]
    assert beyond["broad_agreement"], "the fixture's clause 1 is agreed by everyone"
    assert again["min_voters"] == beyond["min_voters"]
    assert again["broad_agreement"] == _numbered(beyond["broad_agreement"], comment_ids)
    assert again["not_assessable"] == _numbered(beyond["not_assessable"], comment_ids)
    assert again["bridging"] == _numbered(beyond["bridging"], comment_ids)


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


def test_cells_a_spreadsheet_would_run_are_neutralised(client, db, voted, organiser, login):
    import sqlalchemy as sa

    from consult.participation.models import Statement

    texts = ['=HYPERLINK("http://evil.example","x")', "+1 for this", "-2 is less", "@SUM(A1)"]
    texts.append("\tTabbed")
    ids = voted.statement_ids[2 : 2 + len(texts)]
    for sid, text in zip(ids, texts, strict=True):
        db.session.execute(sa.update(Statement).where(Statement.id == sid).values(text=text))
    db.session.commit()
    snapshots.run_analysis(voted.consultation.id)
    login(organiser)
    numbers = {}
    for name, column in (("comments.csv", "comment-body"), ("comment-groups.csv", "comment")):
        rows = _csv(client.get(f"/c/camps/exports/{name}"))
        numbers.update({r[column]: r["comment-id"] for r in rows})
        bodies = {r[column] for r in rows if r[column]}
        assert {"'" + t for t in texts} <= bodies, name
        assert not any(b.startswith(("=", "+", "-", "@", "\t")) for b in bodies)
    votes = _csv(client.get("/c/camps/exports/votes.csv"))
    assert "-1" in {v["vote"] for v in votes}  # numbers stay numbers
    matrix = _csv(client.get("/c/camps/exports/participants-votes.csv"))
    assert "-1" in {m[numbers["'" + texts[0]]] for m in matrix}


@pytest.mark.parametrize("name", ["comments.csv", "bundle.zip"])
def test_a_snapshot_of_an_older_format_is_a_409_before_streaming(
    client, db, voted, analysed, organiser, login, name
):
    """Raised inside the streaming body, the error would cut the file short behind a 200."""
    analysed.result = {**analysed.result, "format": 1}
    db.session.commit()
    login(organiser)
    response = client.get(f"/c/camps/exports/{name}")
    assert response.status_code == 409
    assert "recomputed" in response.get_data(as_text=True)
