"""Published reports: publishing, the public page, HTML and PDF downloads."""

from __future__ import annotations

import io
import zipfile

import pytest

from consult.reports import snapshots
from tests.conftest import PASSWORD, post_form


@pytest.fixture
def analysed(db, voted):
    return snapshots.run_analysis(voted.consultation.id)


def _publish(client, **data):
    form = {"title": "What we heard", "introduction": "First paragraph.\n\n中文介绍。", **data}
    return post_form(client, "/c/camps/reports", form, page="/c/camps/exports")


def test_organiser_publishes_a_frozen_report(app, client, db, voted, analysed, organiser, login):
    login(organiser)
    response = _publish(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/c/camps/reports/what-we-heard")
    snapshots.run_analysis(voted.consultation.id)  # a newer snapshot does not change the report
    client = app.test_client()  # a reader without an account
    page = client.get("/c/camps/reports/what-we-heard")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "What we heard" in html and "中文介绍。" in html
    assert f"analysis {analysed.id}" in html
    assert "What we heard, what we changed" in html and "Broad agreement" in html
    # Published reports' data are public.
    assert "/c/camps/reports/what-we-heard" in client.get("/c/camps/dashboard").get_data(
        as_text=True
    )
    zipped = client.get("/c/camps/reports/what-we-heard/data/bundle.zip")
    assert zipped.status_code == 200 and zipped.mimetype == "application/zip"
    assert "votes.csv" in zipfile.ZipFile(io.BytesIO(zipped.get_data())).namelist()


def test_publishing_refuses_bad_input(app, client, voted, analysed, organiser, login, make_user):
    login(organiser)
    assert _publish(client, title="").status_code == 400
    assert _publish(client, slug="Bad Slug!").status_code == 400
    assert _publish(client, slug="one").status_code == 302
    taken = _publish(client, slug="one")
    assert taken.status_code == 400 and "already has this address" in taken.get_data(as_text=True)
    other = app.test_client()
    user = make_user("other@example.org")
    post_form(other, "/login", {"email": user.email, "password": PASSWORD})
    refused = post_form(other, "/c/camps/reports", {"title": "x"}, page="/c/camps")
    assert refused.status_code == 403


def test_no_report_without_analysis(client, voted, organiser, login):
    login(organiser)
    response = _publish(client)
    assert response.status_code == 400


def test_unknown_reports_are_404(client, db, voted, analysed, organiser, login, make_consultation):
    login(organiser)
    _publish(client, slug="mine")
    make_consultation(slug="elsewhere")
    assert client.get("/c/elsewhere/reports/mine").status_code == 404
    assert client.get("/c/camps/reports/nope").status_code == 404
    assert client.get("/c/camps/reports/mine.doc").status_code == 404
    assert client.get("/c/camps/reports/mine/data/passwords.csv").status_code == 404


def test_what_we_heard_lists_answers(client, db, voted, analysed, organiser, login):
    from consult.moderation.models import ContributionResponse, Outcome
    from consult.participation.models import Comment, ModerationState, Stance

    comment = Comment(
        consultation_id=voted.consultation.id,
        statement_id=voted.clause_ids[0],
        stance=Stance.AMEND,
        body="Please mention <children>.",
        proposed_text="Better wording",
        moderation_state=ModerationState.APPROVED,
    )
    db.session.add(comment)
    db.session.flush()
    db.session.add(
        ContributionResponse(
            consultation_id=voted.consultation.id,
            comment_id=comment.id,
            outcome=Outcome.NOT_ADOPTED,
            reason="Out of scope for this clause.",
        )
    )
    db.session.commit()
    login(organiser)
    _publish(client, slug="heard")
    html = client.get("/c/camps/reports/heard").get_data(as_text=True)
    assert "Better wording" in html and "Out of scope for this clause." in html
    assert "Not adopted" in html


def test_html_and_pdf_downloads(client, voted, analysed, organiser, login, pdf_rendering):
    login(organiser)
    _publish(client, slug="final")
    html = client.get("/c/camps/reports/final.html")
    assert html.status_code == 200 and "attachment" in html.headers["Content-Disposition"]
    text = html.get_data(as_text=True)
    assert "<style>" in text and "<svg" in text and "/static/" not in text

    pdf = client.get("/c/camps/reports/final.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf.get_data()))
    assert len(reader.pages) >= 3
    content = "\n".join(page.extract_text() for page in reader.pages)
    for words in ("What we heard", "Broad agreement", "Opinion map", "中文介绍"):
        assert words in content.replace("\n", " "), words
