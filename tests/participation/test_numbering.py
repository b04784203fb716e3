"""One public number per statement: the site, the voting flow and the exports agree."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from consult.consultations.models import Consultation, ModerationMode
from consult.participation.models import Statement, StatementKind
from consult.participation.participants import Actor
from consult.participation.statements import submit_statement
from tests.conftest import PASSWORD, post_form

THREADS = 8


def _numbers(db, consultation_id: int) -> list[int]:
    return db.session.scalars(
        sa.select(Statement.number)
        .where(Statement.consultation_id == consultation_id)
        .order_by(Statement.id)
    ).all()


def test_one_number_in_lists_flow_statement_page_dashboard_and_exports(
    db, client, make_consultation, make_user, login
):
    from consult.reports.labels import statement_infos
    from consult.reports.polis_csv import Numbering

    make_consultation("other")  # another consultation's statements take database ids first
    consultation = make_consultation("numbered", moderation_mode=ModerationMode.POST)
    login(make_user("author@example.org"))
    url = f"/c/{consultation.slug}/statements"
    assert post_form(client, url, {"text": "Audits should be public."}).status_code == 302
    statement = db.session.scalar(
        sa.select(Statement).where(Statement.kind == StatementKind.PARTICIPANT)
    )
    assert _numbers(db, consultation.id) == [1, 2, 3], "numbered per consultation"
    assert statement.number == 3 and statement.id != statement.number

    assert "Statement 3" in client.get(url).get_data(as_text=True)
    page = client.get(f"/c/{consultation.slug}/s/{statement.id}").get_data(as_text=True)
    assert "Statement 3" in page and f"Statement {statement.id}<" not in page
    assert statement_infos(consultation.id, "en")[statement.id].label == "Statement 3"
    assert Numbering(consultation.id).comment_id[statement.id] == 3

    # Someone else, having voted on both clauses, meets it in the voting flow.
    reader = client.application.test_client()
    user = make_user("reader@example.org")
    response = post_form(reader, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    for clause_statement in db.session.scalars(
        sa.select(Statement.id).where(
            Statement.consultation_id == consultation.id, Statement.kind == StatementKind.CLAUSE
        )
    ).all():
        vote_url = f"/c/{consultation.slug}/statements/{clause_statement}/vote"
        page = f"/c/{consultation.slug}"
        response = post_form(reader, vote_url, {"choice": "agree"}, page=page)
        assert response.status_code in (200, 302)
    flow = reader.get(f"/c/{consultation.slug}/vote").get_data(as_text=True)
    assert "Audits should be public." in flow and "Statement 3" in flow


def test_statements_written_at_once_get_distinct_numbers(app, db, make_consultation):
    make_consultation(
        "busy", moderation_mode=ModerationMode.POST, allow_anonymous=True, allow_statements=True
    )
    db.session.commit()
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def author(index: int):
        try:
            with app.app_context():
                c = db.session.scalar(sa.select(Consultation).where(Consultation.slug == "busy"))
                db.session.commit()  # hand the connection back before waiting for the others
                start.wait(timeout=60)
                submit_statement(c, Actor(anonymous_key=f"author-{index}"), f"Point {index}.")
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=author, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    cid = db.session.scalar(sa.select(Consultation.id).where(Consultation.slug == "busy"))
    assert sorted(_numbers(db, cid)) == list(range(1, THREADS + 3))


def test_migration_keeps_the_numbers_exports_already_wrote(app, db, make_consultation):
    """Statements that existed before numbering keep the comment-id the exports gave them:
    the Polis id of an imported statement, else the database id."""
    from flask_migrate import downgrade, upgrade

    make_consultation("first")
    second = make_consultation("second")
    with db.engine.begin() as conn:
        conn.execute(
            sa.update(Statement)
            .where(Statement.consultation_id == second.id, Statement.number == 1)
            .values(external_id=40)
        )
    ids = db.session.scalars(
        sa.select(Statement.id).where(Statement.consultation_id == second.id).order_by(Statement.id)
    ).all()
    db.session.remove()
    downgrade(revision="0004")
    upgrade()
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT id, external_id, number FROM statement "
                "WHERE consultation_id = :c ORDER BY id"
            ),
            {"c": second.id},
        ).all()
    assert [(r.id, r.number) for r in rows] == [(ids[0], 40), (ids[1], ids[1])]
