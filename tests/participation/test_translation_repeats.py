"""A translation already approved or waiting, proposed again word for word, is refused
with a clear 409: the moderators would review the same words twice."""

# ruff: noqa: F811  (the team fixtures are imported, then named as arguments)

import pytest

from consult.participation.models import ModerationState
from tests.conftest import post_form
from tests.participation.conftest import HX
from tests.participation.test_content_translations import approved, propose, translations_of
from tests.team import contribute, quick_user, team  # noqa: F401  (shared fixtures)

__all__ = ["approved"]  # the fixture, imported for the tests below


def switch_to(client, login, user):
    post_form(client, "/logout", {}, page="/")
    login(user)


def test_repeating_an_approved_translation_is_refused(db, client, login, team, approved):
    statement, _comment = approved
    login(team.moderator)
    first = propose(client, team.consultation, "statement", statement.id,
                    language="zh", text="我们应当共享评估。")  # fmt: skip
    assert first.status_code == 302
    switch_to(client, login, team.participant)
    again = propose(client, team.consultation, "statement", statement.id, headers=HX,
                    language="zh", text="  我们应当共享评估。\n")  # fmt: skip
    assert again.status_code == 409
    assert "This translation has been approved already." in again.get_data(as_text=True)
    states = [t.moderation_state for t in translations_of(db, statement_id=statement.id)]
    assert states == [ModerationState.APPROVED], "no second item waits for moderation"


@pytest.mark.parametrize("kind", ["statement", "comment"])
def test_repeating_someone_elses_waiting_translation_is_refused(
    db, client, login, team, approved, kind
):
    statement, comment = approved
    item = statement if kind == "statement" else comment
    login(team.participant)
    assert propose(client, team.consultation, kind, item.id,
                   language="zh", text="Одно и то же.").status_code == 302  # fmt: skip
    switch_to(
        client, login, team.organiser
    )  # the team's own proposal would be approved at once: refused too
    again = propose(client, team.consultation, kind, item.id, language="zh", text="Одно и то же.")
    assert again.status_code == 409
    assert "This translation is already awaiting moderation." in again.get_data(as_text=True)
    assert len(translations_of(db, **{f"{kind}_id": item.id})) == 1
    # Another wording is a proposal of its own.
    other = propose(client, team.consultation, kind, item.id, language="zh", text="Иначе.")
    assert other.status_code == 302


def test_a_rejected_text_may_be_proposed_again(db, client, login, team, approved):
    statement, _comment = approved
    login(team.participant)
    propose(client, team.consultation, "statement", statement.id, language="zh", text="Uno.")
    (pending,) = translations_of(db, statement_id=statement.id)
    pending.moderation_state = ModerationState.REJECTED
    db.session.commit()
    again = propose(
        client, team.consultation, "statement", statement.id, language="zh", text="Uno."
    )
    assert again.status_code == 302
