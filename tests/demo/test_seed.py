import sqlalchemy as sa

from consult.auth.models import StakeholderProfile, User
from consult.consultations.models import Consultation, Participant, Role
from consult.demo.content import load_initiative
from consult.demo.seed import DEMO_SLUG
from consult.drafts.models import Clause
from consult.participation.models import Statement, Vote, VoteEvent


def test_seed_demo_creates_the_initiative_once(runner, db, row_count, client):
    result = runner.invoke(
        args=["seed-demo", "--stakeholders", "120"],
        env={"CONSULT_DEMO_PASSWORD": "demo password 1"},
    )
    assert result.exit_code == 0, result.output
    assert "admin@demo.consult.example" in result.output and "demo password 1" in result.output
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == DEMO_SLUG))
    assert consultation.accepts_input()
    assert consultation.languages == load_initiative().languages
    assert consultation.languages[:2] == ["zh", "en"] and consultation.authoritative == "zh"
    assert row_count(Statement) == 11 + 10, "the clauses and the participants' statements"
    assert row_count(Participant) == 120
    votes = row_count(Vote)
    assert votes > 120 and row_count(VoteEvent) == votes
    counts = (row_count(User), row_count(Vote), row_count(Consultation))

    again = runner.invoke(args=["seed-demo", "--stakeholders", "120"])
    assert again.exit_code == 0
    assert "nothing seeded" in again.output
    assert "demo password 1" in again.output, "the demo accounts are printed again"
    assert (row_count(User), row_count(Vote), row_count(Consultation)) == counts

    from consult.auth.services import authenticate, has_role

    organiser = authenticate("organiser@demo.consult.example", "demo password 1")
    assert has_role(organiser, consultation, Role.ORGANISER)
    assert not organiser.is_admin
    assert authenticate("admin@demo.consult.example", "demo password 1").is_admin

    page = client.get(f"/c/{DEMO_SLUG}", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "全球人工智能治理倡议" in page and "以人为本" in page
    page = client.get(f"/c/{DEMO_SLUG}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Global AI Governance Initiative" in page


def test_seed_demo_leaves_the_demo_analysed(runner, db, row_count, client):
    from consult.reports.models import AnalysisSnapshot, SnapshotStatus

    result = runner.invoke(args=["seed-demo", "--stakeholders", "80"])
    assert result.exit_code == 0, result.output
    snapshots = db.session.scalars(sa.select(AnalysisSnapshot)).all()
    assert [s.status for s in snapshots] == [SnapshotStatus.OK], result.output
    assert snapshots[0].n_votes == row_count(Vote), "the run saw every seeded vote"
    assert f"Snapshot {snapshots[0].id}:" in result.output
    page = client.get(f"/c/{DEMO_SLUG}/dashboard", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "No analysis yet" not in html and "Broad agreement" in html

    # Seeding again finds the analysis there and runs nothing more.
    again = runner.invoke(args=["seed-demo", "--stakeholders", "80"])
    assert again.exit_code == 0 and "Snapshot" not in again.output
    assert row_count(AnalysisSnapshot) == 1


def test_seeded_stakeholders_span_sectors_and_regions(runner, db):
    runner.invoke(args=["seed-demo"], env={"CONSULT_DEMO_PASSWORD": "demo password 1"})
    profiles = db.session.scalars(sa.select(StakeholderProfile)).all()
    assert len(profiles) == 303
    assert len({p.sector for p in profiles}) == 7
    assert len({p.country for p in profiles}) >= 40
    assert len({p.region for p in profiles}) == 7
    assert len({p.income_group for p in profiles}) == 4
    values = db.session.scalars(sa.select(Vote.value)).all()
    assert {-1, 0, 1} <= set(values)


def test_seed_is_deterministic(runner, db):
    runner.invoke(args=["seed-demo", "--stakeholders", "60", "--seed", "7"])
    first = db.session.execute(
        sa.select(User.email, Vote.statement_id, Vote.value)
        .join(Participant, Participant.user_id == User.id)
        .join(Vote, Vote.participant_id == Participant.id)
        .order_by(User.email, Vote.statement_id)
    ).all()
    runner.invoke(args=["seed-demo", "--stakeholders", "60", "--seed", "7"])  # a no-op
    from consult.demo.synthetic import generate_stakeholders

    people = generate_stakeholders(60, seed=7)
    assert {row[0] for row in first} <= {p.email for p in people}
    # The same seed in a fresh database gives the same votes.
    again = _fresh_seed_votes(db)
    assert again == [tuple(r) for r in first]


def _fresh_seed_votes(db):
    """Seed a second, empty database with the same arguments and read its votes back."""
    import tempfile

    from consult.app import create_app
    from tests.conftest import _base_config, _upgrade

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/again.db"
        other = create_app(_base_config(url, __import__("pathlib").Path(folder)))
        _upgrade(other)
        with other.app_context():
            other.test_cli_runner().invoke(
                args=["seed-demo", "--stakeholders", "60", "--seed", "7"]
            )
            from consult.extensions import db as other_db

            rows = other_db.session.execute(
                sa.select(User.email, Vote.statement_id, Vote.value)
                .join(Participant, Participant.user_id == User.id)
                .join(Vote, Vote.participant_id == Participant.id)
                .order_by(User.email, Vote.statement_id)
            ).all()
            other_db.session.remove()
            other_db.engine.dispose()
            return [tuple(r) for r in rows]


def test_analysed_demo_shows_broad_agreement_holdouts_and_groups(runner, db):
    """On the default demo every clause can be judged: broad agreement is shown, some
    clauses fall short with named holdouts, and only thinly voted participants'
    statements are not assessable, each for a segment under the floor."""
    from consult.participation.models import StatementKind
    from consult.reports.snapshots import latest_ok, view_of

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == DEMO_SLUG))
    view = view_of(latest_ok(consultation.id))
    kinds = dict(db.session.execute(sa.select(Statement.id, Statement.kind)).all())
    clauses = {sid for sid, kind in kinds.items() if kind is StatementKind.CLAUSE}

    assert view.k >= 2 and not view.unimodal, view.structure_note
    # Every sector, region and income group present, and every opinion group, reaches
    # the floor on every clause.
    for table in view.tables.values():
        columns = [view.column[sid] for sid in clauses]
        assert table.voters[:, columns].min() >= view.min_voters, table.family

    broad = {entry.statement_id for entry in view.broad}
    assert broad and broad <= clauses
    for entry in view.broad:
        assert all(f.voters >= view.min_voters for f in entry.segments)
    short = [h for h in view.holdouts if h.statement_id in clauses - broad]
    assert short and all(h.holdouts for h in short)
    assert len(broad) < len(clauses), "some clauses divide the participants"

    thin = {entry.statement_id for entry in view.not_assessable}
    assert thin and not thin & clauses
    for entry in view.not_assessable:
        assert entry.segments
        assert all(s.voters < view.min_voters for s in entry.segments)


def test_the_demo_clauses_are_in_every_language_with_reviewed_translations(runner, db, client):
    """Every language of the shipped file is offered; the translations are the demo's own
    renderings, so "reviewed", never "official", and Chinese, authoritative, has no badge."""
    result = runner.invoke(args=["seed-demo", "--stakeholders", "20"])
    assert result.exit_code == 0, result.output
    languages = load_initiative().languages
    clauses = db.session.scalars(sa.select(Clause)).all()
    assert len(clauses) == 11
    for clause in clauses:
        assert set(clause.text) == set(languages) == set(clause.heading)
        assert clause.translations == {lang: "reviewed" for lang in languages if lang != "zh"}
    english = client.get(f"/c/{DEMO_SLUG}", headers={"Accept-Language": "en"})
    html = english.get_data(as_text=True)
    assert html.count("Translation reviewed by the moderators") == 11
    assert "以人为本" in html, "the authoritative Chinese text is one click away"
    chinese = client.get(f"/c/{DEMO_SLUG}", headers={"Accept-Language": "zh"})
    assert "badge-translation" not in chinese.get_data(as_text=True)


def test_the_demo_seeds_from_a_file_in_chinese_and_english_only(runner, db, monkeypatch):
    import json

    from consult.demo import content

    data = json.loads(content.initiative_json_text())
    for part in [data["title"], *data["preamble"], *data["clauses"]]:
        for lang in ("ar", "fr", "ru", "es"):
            part.pop(lang, None)
    monkeypatch.setattr(content, "initiative_json_text", lambda: json.dumps(data))
    content.load_initiative.cache_clear()
    try:
        result = runner.invoke(args=["seed-demo", "--stakeholders", "20"])
        assert result.exit_code == 0, result.output
        consultation = db.session.scalar(sa.select(Consultation))
        assert consultation.languages == ["zh", "en"]
        clause = db.session.scalars(sa.select(Clause)).first()
        assert set(clause.text) == {"zh", "en"} and clause.translations == {"en": "reviewed"}
        # A vote is recorded in a language it could be read in: English for readers of
        # the languages the file lacks.
        assert set(db.session.scalars(sa.select(Vote.language))) <= {"zh", "en"}
    finally:
        content.load_initiative.cache_clear()


def test_seeded_votes_carry_the_language_they_were_read_in(runner, db, client):
    """Every synthetic vote and vote event records a language: the voter's own for a
    clause (the demo's clauses are in all six), a participant's statement's own otherwise;
    each of the six languages takes part, some far less than others, nobody is unknown,
    and seeding again changes nothing."""
    from collections import Counter

    from consult.participation.models import StatementKind
    from consult.reports.languages import participant_languages

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == DEMO_SLUG))
    columns = (Vote.participant_id, Vote.statement_id, Vote.value, Vote.language)
    votes = db.session.execute(
        sa.select(*columns, User.locale, Statement.kind, Statement.language.label("own"))
        .join(Participant, Participant.id == Vote.participant_id)
        .join(User, User.id == Participant.user_id)
        .join(Statement, Statement.id == Vote.statement_id)
    ).all()
    for vote in votes:
        clause = vote.kind is StatementKind.CLAUSE
        assert vote.language == (vote.locale if clause else vote.own), vote
    events = db.session.execute(
        sa.select(VoteEvent.participant_id, VoteEvent.statement_id, VoteEvent.value,
                  VoteEvent.language)
    ).all()  # fmt: skip
    assert sorted(events) == sorted(tuple(v[:4]) for v in votes), "the log says the same"

    counted = Counter(participant_languages(consultation.id).values())
    n = sum(counted.values())
    assert set(counted) == set(consultation.languages), "every language, nobody unknown"
    assert counted.most_common(1)[0][0] == "en" and counted["en"] / n < 0.8
    assert min(counted.values()) / n < 0.05, "a language group an organiser should notice"

    html = client.get(f"/c/{DEMO_SLUG}/dashboard", headers={"Accept-Language": "en"}).text
    table = html.split('id="by-language"', 1)[1].split("</table>", 1)[0]
    for name in ("Arabic", "Chinese", "English", "French", "Russian", "Spanish"):
        assert name in table
    assert "Nobody yet" not in table and "unknown" not in table

    def by_language():
        return sorted(db.session.execute(
            sa.select(Vote.language, sa.func.count()).group_by(Vote.language)
        ).all())  # fmt: skip

    before = by_language()
    assert "nothing seeded" in runner.invoke(args=["seed-demo"]).output
    assert by_language() == before
