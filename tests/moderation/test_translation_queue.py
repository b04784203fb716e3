"""Proposed translations in the moderation queue: listed, filtered, shown beside the
original, approved or rejected one by one or in bulk, and audit-logged in words."""

import pytest

from consult.errors import DomainError, Forbidden
from consult.moderation import queue, services
from consult.moderation.audit import audit_log
from consult.moderation.audit_sentences import describe_events
from consult.participation.models import ContentTranslation, ModerationState
from tests.conftest import post_form

QUEUE = "/c/test-consultation/moderate"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def proposed(db, team, contribute):
    """A pending Chinese translation of an approved English statement."""
    c = team.consultation
    author = contribute.participant(c, team.participant)
    statement = contribute.statement(
        c, "Share <b>evaluations</b>.", author=author, moderation_state=ModerationState.APPROVED
    )
    translation = ContentTranslation(
        consultation_id=c.id,
        statement_id=statement.id,
        language="zh",
        text="共享<b>评估</b>。",
        author_id=author.id,
    )
    db.session.add(translation)
    db.session.commit()
    return statement, translation


def test_the_queue_lists_translations_and_filters_by_kind(team, proposed):
    _statement, translation = proposed
    items = queue.queue(team.moderator)
    assert [item.key for item in items] == [f"translation-{translation.id}"]
    assert queue.queue(team.moderator, kind="translation")[0].obj.id == translation.id
    assert queue.queue(team.moderator, kind="statement") == []
    assert queue.parse_filters({"kind": "translation"}).kind == "translation"
    assert services.waiting_count(team.moderator) == 1
    assert queue.queue(team.other_moderator) == []


def test_the_page_shows_original_and_translation_side_by_side(client, team, proposed, login):
    login(team.moderator)
    html = client.get(f"{QUEUE}?kind=translation").get_data(as_text=True)
    assert 'class="translation-pair"' in html
    quote = '<blockquote class="clause-text" lang="{}" dir="auto">{}'
    assert quote.format("en", "Share &lt;b&gt;evaluations&lt;/b&gt;.") in html
    assert quote.format("zh", "共享&lt;b&gt;评估&lt;/b&gt;。") in html
    assert 'value="translation:' in html, "selectable for bulk actions"
    assert 'name="action" value="approve"' in html and 'name="action" value="reject"' in html
    assert 'value="meta"' not in html.split('class="card-list queue"')[1]


def test_approve_in_place_is_audited_in_words(client, db, team, proposed, login, reload):
    statement, translation = proposed
    login(team.moderator)
    url = f"{QUEUE}/translations/{translation.id}"
    refused = post_form(
        client, url, {"action": "reject", "seen_state": "pending"}, page=QUEUE, headers=HTMX
    )
    assert refused.status_code == 422 and "Give a reason" in refused.get_data(as_text=True)
    done = post_form(
        client, url, {"action": "approve", "seen_state": "pending"}, page=QUEUE, headers=HTMX
    )
    assert done.status_code == 200
    assert f'id="item-translation-{translation.id}"' in done.get_data(as_text=True)
    assert reload(translation).moderation_state is ModerationState.APPROVED
    (event,) = audit_log(team.consultation.id)
    assert (event.action, event.target_kind) == ("approve", "translation")
    (line,) = describe_events([event])
    assert line.sentence == (
        f"Mod approved the translation into Chinese of statement {statement.number}"
    )


def test_meta_and_duplicate_are_not_actions_on_a_translation(team, proposed):
    _statement, translation = proposed
    for action in ("meta", "duplicate"):
        with pytest.raises(DomainError):
            services.moderate(
                team.moderator, team.consultation, "translation", translation.id, action, "pending"
            )


def test_bulk_rejects_translations_with_the_reason(client, team, proposed, login, reload):
    _statement, translation = proposed
    login(team.moderator)
    response = post_form(
        client,
        "/moderation/bulk",
        {
            "items": f"translation:{translation.id}:pending",
            "action": "reject",
            "reason": "Not a translation.",
            "next": QUEUE,
        },
        page=QUEUE,
    )
    assert response.status_code == 302
    assert reload(translation).moderation_state is ModerationState.REJECTED
    assert translation.moderation_reason == "Not a translation."


def test_another_consultations_moderator_cannot_act(team, proposed):
    _statement, translation = proposed
    with pytest.raises(Forbidden):
        services.moderate(
            team.other_moderator, team.consultation, "translation", translation.id, "approve",
            "pending",
        )  # fmt: skip


def test_the_keyboard_shortcuts_find_the_buttons(client, team, proposed, login):
    """moderation-keys.js clicks button[name=action][value=approve|reject] in the item."""
    _statement, translation = proposed
    login(team.moderator)
    html = client.get(QUEUE).get_data(as_text=True)
    item = html.split(f'id="item-translation-{translation.id}"')[1].split("</li>")[0]
    assert 'tabindex="-1"' in html.split(f'id="item-translation-{translation.id}"')[1][:40]
    assert 'name="action" value="approve"' in item and 'name="action" value="reject"' in item


def test_two_approvals_at_once_are_a_conflict_not_an_error(db, team, proposed, monkeypatch):
    """The partial unique index keeps one approved translation per language: when another
    was approved between the check and the write, the second moderator hears so."""
    from consult.errors import Conflict
    from consult.participation import translations

    statement, translation = proposed
    db.session.add(
        ContentTranslation(
            consultation_id=team.consultation.id, statement_id=statement.id, language="zh",
            text="另一个。", moderation_state=ModerationState.APPROVED,
        )
    )  # fmt: skip
    db.session.commit()
    monkeypatch.setattr(translations, "supersede", lambda user, item: None)  # it came too late
    with pytest.raises(Conflict, match="approved a moment ago"):
        services.moderate(
            team.moderator, team.consultation, "translation", translation.id, "approve",
            "pending",
        )  # fmt: skip
    db.session.rollback()
    db.session.refresh(translation)
    assert translation.moderation_state is ModerationState.PENDING
