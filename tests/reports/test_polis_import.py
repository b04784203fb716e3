"""``flask import-polis``: real Polis exports in, an imported consultation out, and back."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from consult.reports.polis_text import detect_language, plain_text

POLIS = Path(__file__).resolve().parents[3] / "shared" / "data" / "polis"
ORGANISER = "importer@example.org"


def _real_export(name: str) -> Path:
    folder = POLIS / name
    if not (folder / "comments.csv").is_file():
        pytest.skip(f"real Polis exports not found at {folder}")
    return folder


def _csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _consultation(db, slug):
    from consult.consultations.models import Consultation

    return db.session.scalar(sa.select(Consultation).where(Consultation.slug == slug))


def _triples(export):
    v = export.votes
    return set(
        zip(
            v.participant_ids[v.rows].tolist(),
            v.statement_ids[v.cols].tolist(),
            v.values.tolist(),
            strict=True,
        )
    )


@pytest.fixture
def importer(make_user):
    return make_user(ORGANISER)


def test_import_and_export_a_real_polis_conversation(runner, db, tmp_path, importer, client):
    from consult.analysis import load_export
    from consult.auth.services import has_role
    from consult.consultations.models import Role

    source = _real_export("london.youth.policing")
    args = ["import-polis", str(source), "--slug", "youth", "--organiser", ORGANISER]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    consultation = _consultation(db, "youth")
    assert has_role(importer, consultation, Role.ORGANISER)
    assert consultation.created_by_id == importer.id
    assert consultation.imported_from == "Polis export london.youth.policing (votes.csv)"
    assert not consultation.accepts_input()
    assert consultation.opens_at is None and consultation.closes_at is None
    assert consultation.languages == ["en"]

    # The imported votes analyse and show (no sectors or regions: those tables are empty).
    analysed = runner.invoke(args=["analyse", "youth"])
    voters = len({r["voter-id"] for r in _csv(source / "votes.csv")})
    assert analysed.exit_code == 0, analysed.output
    assert f"from {voters} participants" in analysed.output
    dashboard = client.get("/c/youth/dashboard", headers={"Accept-Language": "en"})
    assert dashboard.status_code == 200 and "No analysis yet" not in dashboard.get_data(True)

    again = runner.invoke(args=args)
    assert again.exit_code == 2
    assert again.output.startswith("error: ") and "already" in again.output

    out = tmp_path / "out"
    result = runner.invoke(args=["export-polis", "youth", str(out)])
    assert result.exit_code == 0, result.output
    before, after = load_export(source), load_export(out)
    assert _triples(after) == _triples(before)
    assert after.flags.moderated_out.sum() == before.flags.moderated_out.sum()
    # every change of the log, not only the latest
    assert len(_csv(out / "votes.csv")) == len(_csv(source / "votes.csv"))
    # The comment-ids written out are the statements' public numbers, the Polis ids.
    written = {int(r["comment-id"]): r["comment-body"] for r in _csv(out / "comments.csv")}
    original = {int(r["comment-id"]): r["comment-body"] for r in _csv(source / "comments.csv")}
    assert written == {c: original[c] for c in written}


def test_an_imported_chinese_conversation(runner, db, client, importer, row_count):
    """vTaiwan's UberX conversation: 4,668 page views, 1,921 voters, Markdown summary."""
    from consult.consultations.models import Participant
    from consult.participation.models import Statement

    source = _real_export("vtaiwan.uberx")
    result = runner.invoke(args=["import-polis", str(source), "--organiser", ORGANISER])
    assert result.exit_code == 0, result.output
    voters = {r["voter-id"] for r in _csv(source / "votes.csv")}
    authors = {r["author-id"] for r in _csv(source / "comments.csv") if r["author-id"]}
    assert row_count(Participant) == len(voters | authors) == 1921
    assert "1921 participants who voted" in result.output

    consultation = _consultation(db, "vtaiwan-uberx")
    assert consultation.languages == ["zh"]
    summary = consultation.summary["zh"]
    assert "線上叫車創新服務迅速竄起" in summary
    assert "**" not in summary and "](" not in summary and "\n* " not in summary
    assert "參考資料目錄 (http://beta.hackfoldr.org/" in summary
    assert "• 請點選「分享您的觀點...」加入你的意見" in summary
    numbers = db.session.execute(sa.select(Statement.external_id, Statement.number)).all()
    assert numbers and all(external == number for external, number in numbers)

    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "UberX 自用車載客" in page and "Imported" in page
    assert "**" not in page


def test_import_needs_an_existing_organiser_account(runner, db, row_count):
    from consult.consultations.models import Consultation

    source = _real_export("london.youth.policing")
    result = runner.invoke(args=["import-polis", str(source), "--organiser", "nobody@example.org"])
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and "nobody@example.org" in result.output
    assert row_count(Consultation) == 0
    missing = runner.invoke(args=["import-polis", str(source)])
    assert missing.exit_code == 2 and "--organiser" in missing.output


def test_import_refuses_an_address_the_site_would_refuse(runner, db, importer, row_count):
    from consult.consultations.models import Consultation

    source = _real_export("london.youth.policing")
    for slug in ("No Spaces!", "x", "-edge-"):
        result = runner.invoke(
            args=["import-polis", str(source), "--slug", slug, "--organiser", ORGANISER]
        )
        assert result.exit_code == 2, slug
        assert result.output.startswith("error: ") and "lower-case letters" in result.output
    assert row_count(Consultation) == 0


def test_import_rejects_a_folder_that_is_not_an_export(runner, tmp_path, importer):
    result = runner.invoke(args=["import-polis", str(tmp_path), "--organiser", ORGANISER])
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and "neither votes.csv" in result.output


def test_import_from_participants_votes_when_votes_csv_is_missing(runner, db, tmp_path, importer):
    from consult.analysis import load_export

    source = _real_export("london.youth.policing")
    folder = tmp_path / "matrix-only"
    folder.mkdir()
    for name in ("comments.csv", "participants-votes.csv", "summary.csv"):
        shutil.copy(source / name, folder / name)
    result = runner.invoke(args=["import-polis", str(folder), "--organiser", ORGANISER])
    assert result.exit_code == 0, result.output
    assert "from participants-votes.csv" in result.output
    out = tmp_path / "out"
    assert runner.invoke(args=["export-polis", "matrix-only", str(out)]).exit_code == 0
    assert load_export(out).votes.n_votes == load_export(folder).votes.n_votes


def test_plain_text_keeps_the_words_and_drops_the_markup():
    markdown = (
        "# Welcome\n\nRead **this** and _that_ first.\n\n"
        "* [Sources](http://example.org/s) (more welcome)\n"
        "- ![a chart](c.png) see <https://example.org/x>\n\n\n\n---\nEnd."
    )
    assert plain_text(markdown) == (
        "Welcome\n\nRead this and that first.\n\n"
        "• Sources (http://example.org/s) (more welcome)\n"
        "• a chart see https://example.org/x\n\nEnd."
    )
    assert plain_text("snake_case_name stays") == "snake_case_name stays"


def test_language_is_read_from_the_statements():
    assert detect_language(["我覺得 UberX 應該合法化", "計程車司機需要保障"]) == "zh"
    assert detect_language(["Police should explain stop and search", "人工智能 means AI"]) == "en"
    assert detect_language([]) == "en"
    assert detect_language(["123 456", "!!!"]) == "en", "no letters: the fallback"
