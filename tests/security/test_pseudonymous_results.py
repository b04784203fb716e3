"""Results with and without pseudonymous participants (issue 12, item 1).

A consultation where 20 account holders vote and 30 pseudonymous participants vote as a
bloc: every run of all participants is paired with a run of account holders only, the
figures differ exactly as the votes say, the share of participants without an account
is stated, and dashboard and published report offer both views.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

ACCOUNTS, BLOC = 20, 30
SECTORS = ["government", "industry", "academia", "civil_society", "citizen"]
TITLE = {"en": "Bloc test <script>alert('x')</script>"}
SHARE = "30 of 50 participants (60%) took part without an account."


@pytest.fixture(autouse=True)
def quick_analysis(app):
    app.config["ANALYSIS_BOOTSTRAP"] = 3
    app.config["ANALYSIS_MIN_VOTERS"] = 4


def _add_votes(db, consultation_id: int, rows) -> None:
    from consult.participation.models import Vote, VoteEvent

    values = [
        {"consultation_id": consultation_id, "participant_id": p, "statement_id": s, "value": v}
        for p, s, v in rows
    ]
    db.session.execute(sa.insert(Vote), values)
    db.session.execute(sa.insert(VoteEvent), values)


def _statements(db, consultation, n: int) -> list[int]:
    from consult.drafts.models import Clause
    from consult.participation.models import ModerationState, Statement, StatementKind

    clauses = db.session.scalars(sa.select(Clause.statement_id).order_by(Clause.position)).all()
    added = [
        Statement(
            consultation_id=consultation.id,
            kind=StatementKind.PARTICIPANT,
            text=f"Statement {i} <b>bold?</b>",
            language="en",
            moderation_state=ModerationState.APPROVED,
        )
        for i in range(n)
    ]
    db.session.add_all(added)
    db.session.flush()
    return [*clauses, *(s.id for s in added)]


def _account_holders(db, consultation, n: int, tag: str) -> list[int]:
    from consult.auth.models import Sector, StakeholderProfile, User
    from consult.consultations.models import Participant
    from tests.team import _password_hash

    password_hash = _password_hash()
    ids = []
    for p in range(n):
        user = User(
            email=f"{tag}{p}@example.org", display_name=f"V{p}", password_hash=password_hash
        )
        user.profile = StakeholderProfile(sector=Sector(SECTORS[p % 5]), country="KE")
        db.session.add(user)
        db.session.flush()
        participant = Participant(consultation_id=consultation.id, user_id=user.id)
        db.session.add(participant)
        db.session.flush()
        ids.append(participant.id)
    return ids


@pytest.fixture
def bloc(db, make_consultation):
    """Accounts: two camps on six statements, all disagree with clause 1 and agree with
    clause 2. The pseudonymous bloc: agrees with clause 1 and every statement, disagrees
    with clause 2."""
    from types import SimpleNamespace

    from consult.consultations.models import Participant

    consultation = make_consultation(slug="bloc", title=TITLE)
    ids = _statements(db, consultation, 6)
    clause_1, clause_2, statements = ids[0], ids[1], ids[2:]
    accounts = _account_holders(db, consultation, ACCOUNTS, "voter")
    pseudonymous = []
    for p in range(BLOC):
        participant = Participant(consultation_id=consultation.id, anonymous_key=f"anon-{p}")
        db.session.add(participant)
        db.session.flush()
        pseudonymous.append(participant.id)
    rows = []
    for p, pid in enumerate(accounts):
        camp = 1 if p % 2 == 0 else -1
        rows += [(pid, clause_1, -1), (pid, clause_2, 1)]
        rows += [(pid, s, camp if i < 3 else -camp) for i, s in enumerate(statements)]
    for pid in pseudonymous:
        rows += [(pid, clause_1, 1), (pid, clause_2, -1)]
        rows += [(pid, s, 1) for s in statements]
    _add_votes(db, consultation.id, rows)
    db.session.commit()
    return SimpleNamespace(
        consultation=consultation, clause_1=clause_1, clause_2=clause_2, pseudonymous=pseudonymous
    )


def _runs(db, consultation_id: int):
    from consult.reports.models import AnalysisSnapshot

    return db.session.scalars(
        sa.select(AnalysisSnapshot)
        .where(AnalysisSnapshot.consultation_id == consultation_id)
        .order_by(AnalysisSnapshot.id)
    ).all()


def test_a_run_pairs_all_participants_with_accounts_only(db, bloc):
    from consult.reports import populations, snapshots
    from consult.reports.models import SnapshotStatus

    everyone = snapshots.run_analysis(bloc.consultation.id)
    assert everyone.status is SnapshotStatus.OK, everyone.error
    twin = populations.accounts_twin(everyone)
    assert twin is not None and twin.population == "accounts"
    assert everyone.population == "all"
    assert (everyone.n_participants, twin.n_participants) == (ACCOUNTS + BLOC, ACCOUNTS)
    assert twin.last_vote_event_id == everyone.last_vote_event_id  # one read, two cuts
    assert everyone.n_votes - twin.n_votes == BLOC * 8
    assert populations.share_of(everyone) == populations.Share(BLOC, ACCOUNTS + BLOC)

    all_view, accounts_view = snapshots.view_of(everyone), snapshots.view_of(twin)
    # Clause 1: the bloc agrees, every account holder disagrees.
    assert (all_view.totals[bloc.clause_1].seen, all_view.totals[bloc.clause_1].agree) == (50, 30)
    assert (
        accounts_view.totals[bloc.clause_1].agree,
        accounts_view.totals[bloc.clause_1].disagree,
    ) == (0, 20)
    # Clause 2: the reverse; agreed by every account holder, by 40 % of all participants.
    assert all_view.overall(bloc.clause_2).rate == pytest.approx(20 / 50, abs=0.01)
    assert accounts_view.overall(bloc.clause_2).rate == pytest.approx(1.0)
    assert bloc.clause_2 not in {e.statement_id for e in all_view.broad}

    # Readers of "the latest run" still read all participants.
    assert snapshots.latest_ok(bloc.consultation.id).id == everyone.id
    assert snapshots.latest_ok_id(bloc.consultation.id) == everyone.id
    assert snapshots.newest_run(bloc.consultation.id).id == everyone.id
    assert [s.id for s in snapshots.history(bloc.consultation.id, 10)] == [everyone.id]
    assert snapshots.latest_ok(bloc.consultation.id, population="accounts").id == twin.id


def test_an_account_that_claims_a_pseudonym_counts_as_an_account_next_run(db, bloc, make_user):
    from consult.consultations.models import Participant
    from consult.reports import populations, snapshots

    snapshots.run_analysis(bloc.consultation.id)
    user = make_user("claimer@example.org")
    participant = db.session.get(Participant, bloc.pseudonymous[0])
    participant.user_id, participant.anonymous_key = user.id, None
    db.session.commit()
    again = snapshots.run_analysis(bloc.consultation.id)
    assert populations.share_of(again) == populations.Share(BLOC - 1, ACCOUNTS + BLOC)
    assert populations.accounts_twin(again).n_participants == ACCOUNTS + 1
    assert len(_runs(db, bloc.consultation.id)) == 4
    # A background run with nothing new does not run either population again.
    assert snapshots.run_analysis(bloc.consultation.id, skip_if_current=True).id == again.id
    assert len(_runs(db, bloc.consultation.id)) == 4


def _choice(html: str) -> dict[str, str]:
    """The population links of a page: label -> "current" or ""."""
    nav = re.search(r'<nav class="population-choice".*?</nav>', html, re.S)
    assert nav, "no population choice on the page"
    links = re.findall(r'<a href="([^"]+)"( aria-current="page")?>(?:<strong>)?([^<]+)<', nav[0])
    return {label: ("current" if current else href) for href, current, label in links}


def test_dashboard_offers_both_populations(db, client, bloc):
    from consult.reports import snapshots

    everyone = snapshots.run_analysis(bloc.consultation.id)
    page = client.get("/c/bloc/dashboard")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert SHARE in html
    assert "<script>alert(" not in html and "&lt;script&gt;alert(" in html
    links = _choice(html)
    assert links["All participants"] == "current"
    assert links["Registered accounts only"] == "/c/bloc/dashboard?population=accounts"
    assert "50 participants" in html

    accounts = client.get("/c/bloc/dashboard?population=accounts")
    assert accounts.status_code == 200
    html = accounts.get_data(as_text=True)
    assert _choice(html) == {
        "All participants": "/c/bloc/dashboard",
        "Registered accounts only": "current",
    }
    assert SHARE in html and "registered accounts only; participants without" in html
    assert "by 20 participants" in html  # the accounts-only run's own figures
    assert "<script>alert(" not in html
    # The htmx poll keeps the choice and knows nothing newer came.
    assert f"since={everyone.id}" in html and "population=accounts" in html
    poll = client.get(
        f"/c/bloc/dashboard?since={everyone.id}&population=accounts", headers={"HX-Request": "true"}
    )
    assert poll.status_code == 204

    bad = client.get("/c/bloc/dashboard?population=<b>everyone</b>")
    assert bad.status_code == 400
    assert "registered accounts only" in bad.get_data(as_text=True)
    assert "<b>everyone</b>" not in bad.get_data(as_text=True)


def test_published_report_states_the_share_and_offers_accounts_only(db, client, bloc, make_user):
    from consult.auth.services import grant_role
    from consult.consultations.models import Role
    from consult.reports import publishing, snapshots

    snapshots.run_analysis(bloc.consultation.id)
    organiser = make_user("organiser@example.org")
    grant_role(organiser, bloc.consultation, Role.ORGANISER)
    report = publishing.publish_report(organiser, bloc.consultation, "Findings <i>x</i>", "Intro.")
    snapshots.run_analysis(bloc.consultation.id)  # newer runs leave the report frozen

    url = f"/c/bloc/reports/{report.slug}"
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert SHARE in html and "<i>x</i>" not in html and "&lt;i&gt;x" in html
    assert _choice(html) == {
        "All participants": "current",
        "Registered accounts only": f"{url}?population=accounts",
    }
    assert "by 50 participants" in html

    accounts = client.get(f"{url}?population=accounts")
    assert accounts.status_code == 200
    html = accounts.get_data(as_text=True)
    assert _choice(html)["Registered accounts only"] == "current"
    assert "by 20 participants" in html and SHARE in html
    twin_id = report.snapshot.parameters["accounts_snapshot_id"]
    assert f"analysis {twin_id}," in html  # the frozen run's twin, not a newer one

    download = client.get(f"{url}.html?population=accounts")
    assert download.status_code == 200 and SHARE in download.get_data(as_text=True)
    assert client.get(f"{url}?population=nobody").status_code == 400


def test_without_pseudonymous_participants_no_second_run_and_no_choice(
    db, client, make_consultation
):
    from consult.reports import populations, snapshots

    consultation = make_consultation(slug="accounts-only")
    ids = _statements(db, consultation, 4)
    people = _account_holders(db, consultation, 12, "member")
    _add_votes(db, consultation.id, [(p, s, 1 if (p + s) % 3 else -1) for p in people for s in ids])
    db.session.commit()
    everyone = snapshots.run_analysis(consultation.id)
    assert everyone.result, everyone.error
    assert [s.population for s in _runs(db, consultation.id)] == ["all"]
    assert populations.share_of(everyone) is None and populations.accounts_twin(everyone) is None
    for url in ("/c/accounts-only/dashboard", "/c/accounts-only/dashboard?population=accounts"):
        page = client.get(url)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "without an account" not in html and "population-choice" not in html
