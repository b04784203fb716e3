"""Published reports: publishing, the public page, embargo and unpublishing, public data.

The PDF: test_report_pdf.py.
"""

from __future__ import annotations

import csv
import io
import zipfile

import sqlalchemy as sa

from consult.reports import snapshots
from tests.conftest import PASSWORD, post_form
from tests.reports.conftest import answered_comment
from tests.reports.conftest import publish_form as _publish


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
    from consult.moderation.models import Outcome
    from consult.participation.models import Stance

    answered_comment(
        db, voted, Outcome.NOT_ADOPTED, "Out of scope for this clause.",
        stance=Stance.AMEND, body="Please mention <children>.", proposed_text="Better wording",
    )  # fmt: skip
    login(organiser)
    _publish(client, slug="heard")
    html = client.get("/c/camps/reports/heard").get_data(as_text=True)
    assert "Better wording" in html and "Out of scope for this clause." in html
    assert "Not adopted" in html


def test_paragraphs_are_kept_whatever_the_line_ends(client, voted, analysed, organiser, login):
    login(organiser)
    _publish(client, slug="paras", introduction="One line\r\nsame paragraph.\r\n\r\nSecond.")
    html = client.get("/c/camps/reports/paras").get_data(as_text=True)
    assert "<p>One line\nsame paragraph.</p>" in html and "<p>Second.</p>" in html


def _audit(db, consultation_id: int) -> list[str]:
    from consult.moderation.audit import audit_log

    db.session.commit()
    return [e.action for e in audit_log(consultation_id, target_kind="report")]


def test_unpublish_and_publish_again_are_audited(
    app, client, db, voted, analysed, organiser, login
):
    login(organiser)
    _publish(client, slug="gone")
    reader = app.test_client()
    assert reader.get("/c/camps/reports/gone").status_code == 200
    url = "/c/camps/reports/gone/unpublish"
    assert post_form(client, url, {}, page="/c/camps/exports").status_code == 302
    assert reader.get("/c/camps/reports/gone").status_code == 404
    assert reader.get("/c/camps/reports/gone/data/comments.csv").status_code == 404
    page = client.get("/c/camps/reports/gone")  # the team still reads it, told it is down
    assert page.status_code == 200 and "unpublished" in page.get_data(as_text=True)
    assert "unpublished" in client.get("/c/camps/exports").get_data(as_text=True)
    again = "/c/camps/reports/gone/republish"
    assert post_form(client, again, {}, page="/c/camps/exports").status_code == 302
    assert reader.get("/c/camps/reports/gone").status_code == 200
    assert _audit(db, voted.consultation.id) == [
        "republish_report",
        "unpublish_report",
        "publish_report",
    ]
    assert (
        post_form(client, "/c/camps/reports/gone/delete", {}, page="/c/camps/exports").status_code
        == 404
    )
    assert post_form(reader, url, {}, page="/c/camps").status_code in (302, 403)
    assert reader.get("/c/camps/reports/gone").status_code == 200  # a reader cannot take it down


def test_an_embargoed_report_is_not_public_before_its_date(
    app, client, db, voted, analysed, organiser, login
):
    from datetime import timedelta

    from babel.dates import format_date

    from consult.db_types import utcnow
    from consult.reports.models import PublishedReport

    login(organiser)
    moment = utcnow() + timedelta(days=2)
    later = moment.strftime("%Y-%m-%dT%H:%M")
    assert _publish(client, slug="later", embargo_until=later).status_code == 302
    assert _publish(client, slug="bad-date", embargo_until="next tuesday").status_code == 400
    reader = app.test_client()
    assert reader.get("/c/camps/reports/later").status_code == 404
    assert "/c/camps/reports/later" not in reader.get("/c/camps/dashboard").get_data(as_text=True)
    assert "/c/camps/reports/later" in client.get("/c/camps/dashboard").get_data(as_text=True)
    assert reader.get("/c/camps/reports/later.html").status_code == 404
    assert reader.get("/c/camps/reports/later.pdf").status_code == 404
    assert reader.get("/c/camps/reports/later/data/comments.csv").status_code == 404
    assert reader.get("/c/camps/reports/later/data/bundle.zip").status_code == 404
    page = client.get("/c/camps/reports/later").get_data(as_text=True)
    # The date as the locale writes it (Babel's medium date), e.g. "Dec 4, 2026".
    assert "embargoed" in page and format_date(moment, "medium", locale="en") in page
    report = db.session.scalar(sa.select(PublishedReport).where(PublishedReport.slug == "later"))
    report.embargo_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert reader.get("/c/camps/reports/later").status_code == 200
    assert "/c/camps/reports/later" in reader.get("/c/camps/dashboard").get_data(as_text=True)


def test_report_data_follows_the_dashboard_unless_published_explicitly(
    app, client, db, voted, analysed, organiser, login
):
    login(organiser)
    voted.consultation.dashboard_public = False
    db.session.commit()
    _publish(client, slug="closed")
    _publish(client, slug="open", data_public="y")
    reader = app.test_client()
    assert reader.get("/c/camps/reports/closed").status_code == 200  # the report itself is public
    assert "bundle.zip" not in reader.get("/c/camps/reports/closed").get_data(as_text=True)
    for name in ("comments.csv", "bundle.zip", "analysis.json"):
        assert reader.get(f"/c/camps/reports/closed/data/{name}").status_code == 403
        assert reader.get(f"/c/camps/reports/open/data/{name}").status_code == 200
    assert client.get("/c/camps/reports/closed/data/comments.csv").status_code == 200  # the team


def test_public_data_holds_no_hidden_text(app, client, db, voted, hidden, organiser, login):
    from tests.reports.conftest import HIDDEN_TEXTS

    snapshots.run_analysis(voted.consultation.id)
    login(organiser)
    # The organiser's full export keeps everything, marked.
    full = client.get("/c/camps/exports/comments.csv").get_data(as_text=True)
    rows = {r["comment-body"]: r for r in csv.DictReader(io.StringIO(full))}
    assert rows[HIDDEN_TEXTS["pending"]]["moderation"] == "pending"
    assert rows[HIDDEN_TEXTS["rejected"]]["moderation"] == "rejected"
    assert rows[HIDDEN_TEXTS["rejected"]]["moderated"] == "-1"

    _publish(client, slug="clean")
    reader = app.test_client()
    bodies = [reader.get("/c/camps/reports/clean").get_data(as_text=True)]
    bodies.append(reader.get("/c/camps/reports/clean.html").get_data(as_text=True))
    for name in ("comments.csv", "comment-groups.csv", "analysis.json", "summary.csv"):
        response = reader.get(f"/c/camps/reports/clean/data/{name}")
        assert response.status_code == 200
        bodies.append(response.get_data(as_text=True))
    archive = zipfile.ZipFile(
        io.BytesIO(reader.get("/c/camps/reports/clean/data/bundle.zip").get_data())
    )
    bodies += [archive.read(n).decode() for n in archive.namelist()]
    public = "\n".join(bodies)
    for text in (*HIDDEN_TEXTS.values(), "walrus-5521"):
        assert text not in public, text
    # Their rows stay (their votes are in the analysis), withheld and marked.
    public_rows = list(csv.DictReader(io.StringIO(bodies[2])))
    withheld = [r for r in public_rows if r["moderation"] in ("pending", "rejected")]
    assert len(withheld) == 2 and all(r["comment-body"] == "" for r in withheld)
    assert all(r["author-id"] == "" for r in withheld)
    # Nor does a count say who wrote them: their author (public number 1, the second to
    # join) wrote no approved statement.
    author = "1"
    public_matrix = reader.get("/c/camps/reports/clean/data/participants-votes.csv")
    rows = {
        r["participant"]: r
        for r in csv.DictReader(io.StringIO(public_matrix.get_data(as_text=True)))
    }
    assert rows[author]["n-comments"] == "0"
    organiser_matrix = client.get("/c/camps/exports/participants-votes.csv").get_data(as_text=True)
    rows = {r["participant"]: r for r in csv.DictReader(io.StringIO(organiser_matrix))}
    assert rows[author]["n-comments"] == "2"


def test_a_report_on_an_analysis_of_an_older_format_says_so(
    app, client, db, voted, analysed, organiser, login
):
    from consult.reports.models import AnalysisSnapshot

    login(organiser)
    _publish(client, slug="old")
    snapshot = db.session.get(AnalysisSnapshot, analysed.id)
    snapshot.result = {**snapshot.result, "format": 1}
    db.session.commit()
    snapshots._cache.clear()  # as after an upgrade: a new process has decoded nothing yet
    page = app.test_client().get("/c/camps/reports/old")
    assert page.status_code == 409
    assert "publish it again" in page.get_data(as_text=True)
