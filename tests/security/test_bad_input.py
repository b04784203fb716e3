"""Each bad input the attacker's fuzzing answered with a 500 is now a clear 4xx (issue 12,
item 5), on SQLite and PostgreSQL alike: ids past the column type, files and NUL bytes in
text fields, control characters in redirect targets."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD

HX = {"HX-Request": "true"}
PAST_64_BITS = "9223372036854775808"
PAST_32_BITS = str(2**31)


@pytest.fixture
def world(app, db, team, contribute, client):
    """The team's consultation with an approved statement, a comment and an abuse report;
    forms are posted without CSRF tokens so the values reach the views."""
    from consult.participation.models import ModerationState

    app.config["WTF_CSRF_ENABLED"] = False
    consultation = team.consultation
    author = contribute.participant(consultation, team.participant)
    statement = contribute.statement(
        consultation, author=author, moderation_state=ModerationState.APPROVED
    )
    comment = contribute.comment(consultation, statement, author=author)
    contribute.report(consultation, team.participant, statement=statement)
    team.statement_id, team.comment_id = statement.id, comment.id
    return team


def log_in(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.mark.parametrize("number", [PAST_64_BITS, PAST_32_BITS, "9" * 40])
def test_ids_past_the_column_type_are_not_found(client, world, number):
    slug = world.consultation.slug
    assert client.get(f"/c/{slug}/s/{number}").status_code == 404
    assert client.get(f"/c/{slug}/s/{number}", headers=HX).status_code == 404
    log_in(client, world.moderator)
    for path in (
        f"/c/{slug}/statements/{number}/vote",
        f"/c/{slug}/s/{number}/comments",
        f"/c/{slug}/comments/{number}/delete",
        f"/c/{slug}/moderate/statements/{number}",
        f"/c/{slug}/moderate/reports/{number}",
        f"/c/{slug}/draft/promote/comments/{number}",
    ):
        assert client.post(path, data={"choice": "agree"}).status_code == 404, path


def test_the_largest_id_is_still_routed(client, world):
    """2^31 - 1 fits every id column: the route runs and finds nothing (404 from the view)."""
    slug = world.consultation.slug
    response = client.get(f"/c/{slug}/s/{2**31 - 1}")
    assert response.status_code == 404
    assert "no such statement" in response.get_data(as_text=True)
    beyond = client.get(f"/c/{slug}/s/{2**31}")
    assert "We could not find that page" in beyond.get_data(as_text=True), "no route: 404"


@pytest.mark.parametrize("number", [PAST_64_BITS, PAST_32_BITS, "-1", "1e3", "²", "١"])
def test_ids_in_forms_and_query_strings_are_bounded(client, world, number):
    slug = world.consultation.slug
    log_in(client, world.participant)
    for path in (f"/c/{slug}/vote", f"/c/{slug}/vote/skip"):
        for headers in ({}, HX):
            response = client.post(
                path, data={"statement_id": number, "choice": "agree"}, headers=headers
            )
            assert 200 <= response.status_code < 500, (path, response.status_code)
    assert client.get(f"/c/{slug}/dashboard?since={number}", headers=HX).status_code < 500
    compare = client.get(f"/c/{slug}/draft/compare?from={number}&to=1")
    assert compare.status_code == 404


@pytest.mark.parametrize("number", [PAST_64_BITS, PAST_32_BITS, "²"])
def test_moderators_ids_are_bounded(client, world, number):
    slug = world.consultation.slug
    log_in(client, world.moderator)
    bulk = client.post(
        "/moderation/bulk",
        data={"items": [f"statement:{number}:pending"], "action": "approve"},
    )
    assert bulk.status_code < 500
    duplicate = client.post(
        f"/c/{slug}/moderate/statements/{world.statement_id}",
        data={"action": "duplicate", "seen_state": "approved", "duplicate_of": number},
    )
    assert 400 <= duplicate.status_code < 500 or duplicate.status_code == 302


def test_a_file_where_text_is_expected_is_refused(client, world, row_count):
    from consult.participation.models import Comment

    log_in(client, world.participant)
    before = row_count(Comment)
    response = client.post(
        f"/c/{world.consultation.slug}/s/{world.statement_id}/comments",
        data={"body": (io.BytesIO(b"%PDF-1.4"), "evil.pdf"), "stance": "support"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "does not take files" in response.get_data(as_text=True)
    assert row_count(Comment) == before


def test_a_file_as_the_login_email_is_refused(client, world):
    response = client.post(
        "/login",
        data={"email": (io.BytesIO(b"x"), "x.txt"), "password": "whatever"},
        content_type="multipart/form-data",
        headers=HX,
    )
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#htmx-messages", "shown in the message area"
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("control", ["\x00", "\x01", "\x1b", "\x7f"])
def test_control_characters_in_text_are_refused(client, world, row_count, control):
    from consult.participation.models import Statement

    log_in(client, world.participant)
    before = row_count(Statement)
    response = client.post(
        f"/c/{world.consultation.slug}/statements",
        data={"text": f"Evaluations should be{control} shared openly."},
    )
    assert response.status_code == 400
    assert "control characters" in response.get_data(as_text=True)
    assert row_count(Statement) == before


def test_line_breaks_and_tabs_in_text_are_kept(client, world, db):
    from consult.participation.models import Comment

    log_in(client, world.participant)
    body = "First line.\r\nSecond line,\tafter a tab."
    response = client.post(
        f"/c/{world.consultation.slug}/s/{world.statement_id}/comments",
        data={"body": body, "stance": "support"},
    )
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:300]
    stored = db.session.scalars(sa.select(Comment.body).order_by(Comment.id.desc())).first()
    assert stored.replace("\r\n", "\n") == body.replace("\r\n", "\n")


@pytest.mark.parametrize(
    "path", ["/c/test%00consultation", "/?q=%00", "/c/test-consultation/dashboard?since=%00"]
)
def test_nul_in_the_address_is_refused(client, world, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "characters that are not allowed" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    ["/c/x\r\nSet-Cookie: owned=1", "/c/x\nLocation: //evil.example", "/\t/evil.example"],
)
def test_redirect_targets_with_control_characters_fall_back(client, world, target):
    for response in (
        client.post("/language", data={"language": "zh", "next": target}),
        client.post(
            "/login",
            data={"email": world.participant.email, "password": PASSWORD, "next": target},
        ),
    ):
        assert response.status_code == 302
        assert response.headers["Location"] == "/"
        assert "owned" not in response.headers.get("Set-Cookie", "")


def test_safe_next_url_refuses_control_characters(app):
    from consult.web import safe_next_url

    with app.test_request_context():
        assert safe_next_url("/c/slug?x=1") == "/c/slug?x=1"
        for bad in ("/a\r\nb", "/a\x00", "/\t/evil.example", "//evil", "/\\evil", "//[", None):
            assert safe_next_url(bad) == "/", bad


def test_bounded_id():
    from consult.input_guard import MAX_ID, bounded_id, optional_id

    assert bounded_id("42") == 42
    assert bounded_id(str(MAX_ID)) == MAX_ID
    for bad in (str(MAX_ID + 1), PAST_64_BITS, "-1", "+1", "1_000", "²", "١", "", "1.0"):
        assert optional_id(bad) is None, bad
        with pytest.raises(ValueError):
            bounded_id(bad)


@pytest.mark.parametrize("parent", ["²", PAST_64_BITS, PAST_32_BITS, "-1"])
def test_a_reply_to_an_impossible_comment_is_refused(client, world, parent):
    log_in(client, world.participant)
    response = client.post(
        f"/c/{world.consultation.slug}/s/{world.statement_id}/comments",
        data={"body": "A reply.", "stance": "support", "parent_id": parent},
    )
    assert response.status_code == 404
    assert "The comment you reply to is not here" in response.get_data(as_text=True)
