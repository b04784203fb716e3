"""The two site roles (verifiers and site organisers) follow one rule: only the admin (or a
host command) gives them, only to a confirmed address, each change audited; refusals are
clear 4xx on the email field and change nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.auth import site_roles
from consult.errors import DomainError, Forbidden, NotFound
from consult.moderation.models import ModerationEvent
from consult.organise.site_organisers import ORGANISER
from consult.verification.services import VERIFIER

ROLES = pytest.mark.parametrize("role", [VERIFIER, ORGANISER], ids=["verifier", "organiser"])


def _actions(db) -> list[str]:
    db.session.commit()
    return list(db.session.scalars(sa.select(ModerationEvent.action).order_by(ModerationEvent.id)))


@ROLES
def test_the_admin_gives_and_takes_a_site_role_and_each_change_is_audited(db, make_user, role):
    admin = make_user("root@example.org", admin=True)
    member = make_user("member@example.org")
    site_roles.set_role(role, admin, "Member@Example.org", grant=True)
    assert getattr(member, role.flag) and site_roles.holders(role) == [member]
    site_roles.remove(role, admin, member.id)
    assert not getattr(member, role.flag) and site_roles.holders(role) == []
    assert _actions(db)[-2:] == [role.granted, role.revoked]


@ROLES
def test_refusals_name_the_email_field_and_change_nothing(db, make_user, role):
    admin = make_user("root@example.org", admin=True)
    unconfirmed = make_user("new@example.org", confirmed=False)
    held = make_user("held@example.org")
    site_roles.set_role(role, None, held.email, grant=True)  # from the host's command line
    before = _actions(db)
    for email in ("nobody@example.org", unconfirmed.email, held.email, "bad\x00@example.org"):
        with pytest.raises(DomainError) as refused:
            site_roles.set_role(role, admin, email, grant=True)
        assert refused.value.field == "email" and refused.value.status < 500
    assert "confirmed" in str(
        pytest.raises(DomainError, site_roles.set_role, role, admin, unconfirmed.email, True).value
    )
    with pytest.raises(Forbidden):
        site_roles.set_role(role, held, "new@example.org", grant=True)  # not the admin
    for missing in (unconfirmed.id, 0, 2**40):
        with pytest.raises(NotFound):
            site_roles.remove(role, admin, missing)
    assert not getattr(unconfirmed, role.flag)
    assert _actions(db) == before
