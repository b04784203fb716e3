"""summary.csv as Polis writes it: who commented, and the conversation's full address."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

POLIS = Path(__file__).resolve().parents[3] / "shared" / "data" / "polis"
ORGANISER = "importer@example.org"


def _summary(text: str) -> dict[str, str]:
    return dict(csv.reader(io.StringIO(text)))


def _authors(text: str) -> set[str]:
    return {row["author-id"] for row in csv.DictReader(io.StringIO(text)) if row["author-id"]}


def test_summary_counts_commenters_and_gives_the_full_address(
    app, client, hidden, analysed, organiser, login
):
    login(organiser)
    summary = _summary(client.get("/c/camps/exports/summary.csv").get_data(as_text=True))
    authors = _authors(client.get("/c/camps/exports/comments.csv").get_data(as_text=True))
    assert authors and summary["commenters"] == str(len(authors))
    assert summary["url"] == "http://consult.test/c/camps"  # SITE_URL, as mails link
    assert int(summary["views"]) >= int(summary["voters"])

    app.config["SITE_URL"] = None  # then the host the request came to
    again = client.get("/c/camps/exports/summary.csv")
    assert _summary(again.get_data(as_text=True))["url"] == "http://localhost/c/camps"


def test_published_data_count_commenters_too(app, client, hidden, analysed, organiser, login):
    from tests.reports.conftest import publish_form

    login(organiser)
    assert publish_form(client).status_code == 302
    reader = app.test_client()
    summary = reader.get("/c/camps/reports/what-we-heard/data/summary.csv")
    assert int(_summary(summary.get_data(as_text=True))["commenters"]) >= 1


def test_a_round_trip_through_polis_keeps_the_commenters(app, runner, db, tmp_path, make_user):
    source = POLIS / "london.youth.policing"
    if not (source / "summary.csv").is_file():
        pytest.skip(f"real Polis exports not found at {source}")
    make_user(ORGANISER)
    imported = runner.invoke(
        args=["import-polis", str(source), "--slug", "youth", "--organiser", ORGANISER]
    )
    assert imported.exit_code == 0, imported.output
    app.config["SITE_URL"] = None  # outside a request: the path
    out = tmp_path / "out"
    exported = runner.invoke(args=["export-polis", "youth", str(out)])
    assert exported.exit_code == 0, exported.output
    written = _summary((out / "summary.csv").read_text(encoding="utf-8"))
    assert written["url"] == "/c/youth"
    assert written["commenters"] == str(len(_authors((out / "comments.csv").read_text())))
    original = _summary((source / "summary.csv").read_text(encoding="utf-8"))
    assert written["commenters"] == original["commenters"]
