"""Two organisers inviting the same address to the same role at the same moment store one
invitation: the other is told it is already invited (409), and no error escapes."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from consult.auth.models import User
from consult.consultations.models import Consultation, Invitation
from consult.errors import Conflict
from consult.organise import invitations
from tests.team import team  # noqa: F401  (shared fixture)

THREADS = 6


def test_simultaneous_invitations_store_one(app, db, team):  # noqa: F811
    organiser_id, slug = team.organiser.id, team.consultation.slug
    db.session.commit()
    start = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def organiser_invites():
        try:
            with app.app_context():
                organiser = db.session.get(User, organiser_id)
                consultation = db.session.scalar(
                    sa.select(Consultation).where(Consultation.slug == slug)
                )
                db.session.commit()  # hand the connection back before waiting for the others
                start.wait(timeout=60)
                try:
                    invitations.invite(organiser, consultation, "same@example.org", "moderator")
                    outcomes.append("stored")
                except Conflict:
                    outcomes.append("conflict")
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            outcomes.append(repr(error))

    threads = [threading.Thread(target=organiser_invites) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["conflict"] * (THREADS - 1) + ["stored"]
    with db.engine.connect() as conn:
        stored = conn.scalar(
            sa.select(sa.func.count())
            .select_from(Invitation)
            .where(Invitation.email == "same@example.org")
        )
    assert stored == 1
