"""Issue 12 item 3: an edit waiting for moderation is in no export, report or public data,
while the approved text it would replace is (in "what we heard")."""

import io
import zipfile

import sqlalchemy as sa

from consult.reports import snapshots
from consult.reports.exports import EXPORTS
from tests.reports import conftest as reports

# The reports tests' fixtures: the "camps" consultation, 40 voters in two camps.
voted, organiser, quick_analysis = reports.voted, reports.organiser, reports.quick_analysis

APPROVED = "Approved-remark-ibex-3307"
PENDING = "Pending-edit-narwhal-8812"


def add_comment_with_pending_edit(app, db, voted):
    """An approved, adopted "suggest a change" comment on clause 1, with an edit waiting,
    made through the author's own edit service."""
    from consult.auth.models import User
    from consult.consultations.models import Participant
    from consult.moderation.models import Outcome
    from consult.participation import comments
    from consult.participation.models import Comment, Stance
    from consult.participation.participants import Actor

    participant = db.session.get(Participant, voted.participant_ids[3])
    comment = reports.answered_comment(
        db, voted, Outcome.ADOPTED, "Taken up.",
        author_id=participant.id, stance=Stance.AMEND, body=APPROVED,
        proposed_text=APPROVED + " wording", language="en",
    )  # fmt: skip
    author = Actor(user=db.session.get(User, participant.user_id))
    with app.test_request_context():
        comments.edit_comment(
            voted.consultation,
            comment.id,
            author,
            body=PENDING,
            proposed_text=PENDING + " wording",
        )
    db.session.commit()
    stored = db.session.scalar(sa.select(Comment).where(Comment.id == comment.id))
    assert (stored.body, stored.pending_body) == (APPROVED, PENDING)
    return stored


def bodies(reader, base: str) -> list[str]:
    """Every export under ``base`` as text, the bundle's files one by one."""
    texts = []
    for name in EXPORTS:
        response = reader.get(f"{base}/{name}")
        assert response.status_code == 200, (name, response.status_code)
        if name.endswith(".zip"):
            archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
            texts += [archive.read(n).decode() for n in archive.namelist()]
        else:
            texts.append(response.get_data(as_text=True))
    return texts


def test_no_export_or_report_holds_a_pending_edit(app, client, db, voted, organiser, login):
    add_comment_with_pending_edit(app, db, voted)
    snapshots.run_analysis(voted.consultation.id)
    login(organiser)
    organiser_files = bodies(client, "/c/camps/exports")
    assert all(PENDING not in text for text in organiser_files)

    published = reports.publish_form(client, slug="heard")
    assert published.status_code == 302, published.get_data(as_text=True)
    reader = app.test_client()
    pages = [reader.get(f"/c/camps/reports/heard{suffix}") for suffix in ("", ".html")]
    assert all(page.status_code == 200 for page in pages)
    report = [page.get_data(as_text=True) for page in pages]
    assert all(APPROVED in text for text in report), "the approved text is what was heard"
    public = report + bodies(reader, "/c/camps/reports/heard/data")
    assert all(PENDING not in text for text in public)
