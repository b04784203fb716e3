"""An approved translation of a participant's statement is read wherever the statement's
text is shown: the dashboard (lists and the opinion map's labels, cache or not), the
published report, its HTML download and PDF in that language, and the statements search.
Pending and rejected translations are never shown nor searchable."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_from
from tests.reports.conftest import publish_form as _publish

PENDING = "待审核的译文绝不公开"
REJECTED = "被拒绝的译文绝不公开"


def _zh(n: int) -> str:
    return f"第{n}号陈述的中文译文"


def _translate(db, voted, state, text_of=_zh, numbers=range(10)):
    """A translation into Chinese of each participant statement (``numbers``) in ``state``."""
    from consult.db_types import utcnow
    from consult.participation.models import ContentTranslation, ModerationState

    for n in numbers:
        db.session.add(
            ContentTranslation(
                consultation_id=voted.consultation.id,
                statement_id=voted.statement_ids[2 + n],
                language="zh",
                text=text_of(n),
                moderation_state=ModerationState(state),
                moderated_at=utcnow() if state != "pending" else None,
            )
        )
    db.session.commit()


@pytest.fixture
def hidden_translations(db, voted):
    _translate(db, voted, "pending", lambda n: f"{PENDING}{n}")
    _translate(db, voted, "rejected", lambda n: f"{REJECTED}{n}")


def _in(client, language):
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"csrf_token": token, "language": language, "next": "/"})


def _dashboard(client) -> str:
    response = client.get("/c/camps/dashboard")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_dashboard_reads_a_translation_approved_after_the_snapshot(
    client, db, voted, analysed, hidden_translations
):
    _in(client, "zh")
    before = _dashboard(client)  # cached for this snapshot and language
    assert "Statement number 0" in before and _zh(0) not in before
    _translate(db, voted, "approved")  # after the snapshot: the cache must not hide it
    html = _dashboard(client)
    listed = [n for n in range(10) if f'<q lang="zh-Hans" dir="auto">{_zh(n)}</q>' in html]
    assert listed, "translated statements are listed in Chinese"
    for n in listed:  # each with a note and its original alongside, escaped
        assert (
            f'<q lang="zh-Hans" dir="auto">{_zh(n)}</q> <span class="translated-note">'
            f'(译自英语： <q lang="en" dir="auto">'  # "translated from English:" in Chinese
            f"Statement number {n} &lt;b&gt;bold?&lt;/b&gt;</q>)</span>"
        ) in html
    assert any(f"{_zh(n)}</title>" in html for n in range(10)), "the map's labels too"
    assert PENDING not in html and REJECTED not in html
    _in(client, "en")
    english = _dashboard(client)
    assert not any(_zh(n) in english for n in range(10)), "an English reader reads the original"


def test_the_report_html_and_pdf_read_the_translation(
    app, client, db, voted, analysed, organiser, login, monkeypatch, hidden_translations
):
    from consult.reports import render

    monkeypatch.setattr(render, "report_pdf", lambda html: b"%PDF-1.7 " + html.encode())
    login(organiser)
    _publish(client, slug="final", headers={"Accept-Language": "en"})
    _translate(db, voted, "approved")
    app.config["ANALYSIS_MODE"] = "inline"
    reader = app.test_client()
    for url in ("/c/camps/reports/final", "/c/camps/reports/final.html"):
        html = reader.get(url, query_string={"language": "zh"}).get_data(as_text=True)
        assert any(_zh(n) in html for n in range(10)), url
        assert "(translated from English: " in html, "a short note names the original"
        assert PENDING not in html and REJECTED not in html
        english = reader.get(url, query_string={"language": "en"}).get_data(as_text=True)
        assert not any(_zh(n) in english for n in range(10))
    pdf = reader.get("/c/camps/reports/final.pdf", query_string={"language": "zh"})
    assert pdf.status_code == 200
    text = pdf.get_data().decode()
    assert any(_zh(n) in text for n in range(10)) and PENDING not in text


def test_a_stored_pdf_is_rendered_again_once_a_translation_is_approved(
    app, client, db, voted, analysed, organiser, login, monkeypatch
):
    from consult.reports import pdf_jobs, render

    monkeypatch.setattr(render, "report_pdf", lambda html: b"%PDF-1.7 " + html.encode())
    login(organiser)
    _publish(client, slug="final", headers={"Accept-Language": "zh"})
    report_id = db.session.scalar(sa.text("SELECT id FROM published_report"))
    pdf_jobs.render_report_pdf(report_id)
    app.config["ANALYSIS_MODE"] = "inline"
    reader = app.test_client()
    first = reader.get("/c/camps/reports/final.pdf", query_string={"language": "zh"})
    assert first.status_code == 200 and _zh(0) not in first.get_data().decode()
    _translate(db, voted, "approved")
    again = reader.get("/c/camps/reports/final.pdf", query_string={"language": "zh"})
    assert again.status_code == 200
    assert any(_zh(n) in again.get_data().decode() for n in range(10))


def test_the_answered_statement_in_what_we_heard_reads_the_translation(
    app, client, db, voted, analysed, organiser, login
):
    from consult.moderation.models import ContributionResponse, Outcome

    db.session.add(
        ContributionResponse(
            consultation_id=voted.consultation.id,
            statement_id=voted.statement_ids[2],
            clause_lineage_key=None,
            outcome=Outcome.NOTED,
            reason="Heard.",
        )
    )
    db.session.commit()
    _translate(db, voted, "approved", numbers=[0])
    login(organiser)
    _publish(client, slug="final", headers={"Accept-Language": "en"})
    html = app.test_client().get("/c/camps/reports/final?language=zh").get_data(as_text=True)
    heard = html[html.index('id="heard-heading"') :]
    assert f'<q dir="auto">{_zh(0)}</q> <span class="translated-note">' in heard
    assert "(translated from English)" in heard


def test_the_search_matches_approved_translations_only(client, db, voted, hidden_translations):
    _translate(db, voted, "approved", numbers=[3])

    def found(query):
        html = client.get("/c/camps/statements", query_string={"q": query}).get_data(as_text=True)
        return [n for n in range(10) if f"Statement number {n} " in html or _zh(n) in html]

    assert found("第3号陈述") == [3]
    assert found("Statement number 3") == [3], "the original still matches"
    assert found(PENDING) == [] and found(REJECTED) == [], "pending or rejected: not public"
    assert found("中文译文") == [3]
