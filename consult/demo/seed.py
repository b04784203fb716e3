"""Put the demo consultation into the database: ``flask seed-demo``.

Creates the Global AI Governance Initiative as an open consultation (version 1
published, in every language of the shipped text), the demo admin, organiser and
moderator accounts, and synthetic stakeholders with their votes, each read in the voter's
language (``consult.demo.languages``). Seeding twice changes nothing: the consultation's
slug marks it as done. Everything is written in one transaction, so an interrupted seed
leaves nothing half-made.
"""

from __future__ import annotations

import os
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from flask import current_app

from consult.auth.models import Sector, StakeholderProfile, User, Verification
from consult.auth.services import UNUSABLE_PASSWORD, grant_role, hash_password
from consult.consultations.models import Consultation, ModerationMode, Participant, Role, Status
from consult.db_types import utcnow
from consult.demo import contributions
from consult.demo.content import load_initiative
from consult.demo.languages import vote_language
from consult.demo.synthetic import generate_stakeholders, generate_votes
from consult.drafts.models import Clause, DraftVersion
from consult.drafts.services import append_voted_clause
from consult.drafts.translations import Standing
from consult.extensions import db
from consult.participation.models import Vote, VoteEvent

DEMO_SLUG = "global-ai-governance-initiative"
DEMO_ACCOUNTS = (
    # (email, display name, sector, country, role)
    ("admin@demo.consult.example", "Demo Admin", Sector.OTHER, "CH", None),
    (
        "organiser@demo.consult.example",
        "Demo Organiser",
        Sector.INTERGOVERNMENTAL,
        "KE",
        Role.ORGANISER,
    ),
    (
        "moderator@demo.consult.example",
        "Demo Moderator",
        Sector.CIVIL_SOCIETY,
        "BR",
        Role.MODERATOR,
    ),
)
ACCOUNTS_FILE = "demo-accounts.txt"
SUMMARY = {
    "en": "Read the initiative clause by clause and say whether you agree. Governments, "
    "international organisations, firms, researchers, civil society and citizens from every "
    "region are invited; the analysis shows where they already agree.",
    "zh": "逐条阅读倡议并表明您是否赞同。"
    "我们邀请各国政府、国际组织、企业、科研机构、民间机构和公民个人参与；"
    "分析结果将显示各方已经形成共识之处。",
    "ar": "اقرأ المبادرة بندًا بندًا وقل ما إذا كنت موافقًا. ندعو الحكومات والمنظمات الدولية "
    "والشركات والباحثين والمجتمع المدني والمواطنين من كل المناطق؛ ويُظهر التحليل المواضع "
    "التي يتفقون عليها بالفعل.",
    "fr": "Lisez l'initiative article par article et dites si vous êtes d'accord. "
    "Gouvernements, organisations internationales, entreprises, chercheurs, société civile et "
    "citoyens de toutes les régions sont invités ; l'analyse montre où ils s'accordent déjà.",
    "ru": "Прочитайте инициативу пункт за пунктом и скажите, согласны ли вы. Приглашаются "
    "правительства, международные организации, компании, исследователи, гражданское общество "
    "и граждане из всех регионов; анализ показывает, в чём они уже согласны.",
    "es": "Lea la iniciativa cláusula por cláusula y diga si está de acuerdo. Se invita a "
    "gobiernos, organizaciones internacionales, empresas, investigadores, sociedad civil y "
    "ciudadanía de todas las regiones; el análisis muestra dónde ya están de acuerdo.",
}
# How the demo's translations stand: working renderings made for the demo, so "reviewed"
# by the moderators at best, never "official" (see consult/drafts/translations.py).
DEMO_STANDING = Standing.REVIEWED
# Lineage keys derive from the clause keys, so every fresh seed gives the same ones.
LINEAGE_NAMESPACE = uuid.UUID("5b0f3c52-9f4e-4c1e-9d0a-6f1c1b1d2e3f")


@dataclass
class SeedOutcome:
    slug: str
    created: bool
    n_clauses: int = 0
    n_stakeholders: int = 0
    n_votes: int = 0
    accounts: list[str] = field(default_factory=list)
    password: str | None = None

    def account_lines(self) -> list[str]:
        if not self.accounts:
            return []
        lines = ["Demo accounts (log in at /login):"]
        lines += [f"  {email}  password: {self.password}" for email in self.accounts]
        return lines


def seed_demo(seed: int = 2023, n_stakeholders: int = 300) -> SeedOutcome:
    """Create the demo consultation unless it exists; return what was done."""
    if db.session.scalar(sa.select(Consultation.id).where(Consultation.slug == DEMO_SLUG)):
        return SeedOutcome(slug=DEMO_SLUG, created=False, **_remembered_accounts())
    password = os.environ.get("CONSULT_DEMO_PASSWORD") or secrets.token_urlsafe(12)
    now = utcnow()
    team = _demo_team(password)
    consultation = _initiative_consultation(now, team["admin@demo.consult.example"])
    clauses = _first_version(consultation, now)
    n_votes = _synthetic_participants(consultation, clauses, now, seed, n_stakeholders)
    db.session.commit()
    for email, *_, role in DEMO_ACCOUNTS:
        if role is not None:
            grant_role(team[email], consultation, role)
    _remember_accounts(password)
    return SeedOutcome(
        slug=DEMO_SLUG,
        created=True,
        n_clauses=len(clauses),
        n_stakeholders=n_stakeholders,
        n_votes=n_votes,
        accounts=[email for email, *_ in DEMO_ACCOUNTS],
        password=password,
    )


def _demo_team(password: str) -> dict[str, User]:
    password_hash = hash_password(password)
    team = {}
    for email, name, sector, country, role in DEMO_ACCOUNTS:
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is None:
            user = User(  # the demo's staff: confirmed, so they can hold their roles
                email=email,
                display_name=name,
                password_hash=password_hash,
                email_confirmed_at=utcnow(),
            )
            user.profile = StakeholderProfile(
                sector=sector, country=country, organisation="Consult demo"
            )
            db.session.add(user)
        user.is_admin = role is None
        team[email] = user
    db.session.flush()
    return team


def _initiative_consultation(now, creator: User) -> Consultation:
    initiative = load_initiative()
    consultation = Consultation(
        slug=DEMO_SLUG,
        title=_in(initiative.title, initiative.languages),
        summary={lang: text for lang, text in SUMMARY.items() if lang in initiative.languages},
        # Every language the shipped text is in (the six UN languages once the file has
        # them all; Chinese and English at least), Chinese, the original, authoritative.
        languages=initiative.languages,
        authoritative_language="zh",
        status=Status.OPEN,
        opens_at=now - timedelta(days=21),
        closes_at=now + timedelta(days=60),
        moderation_mode=ModerationMode.PRE,
        allow_anonymous=True,
        allow_statements=True,
        created_by_id=creator.id,
    )
    db.session.add(consultation)
    db.session.flush()
    return consultation


def _in(text, languages: list[str]) -> dict[str, str]:
    """``text`` in the consultation's languages only."""
    return {lang: value for lang, value in text.as_dict().items() if lang in languages}


def _first_version(consultation: Consultation, now) -> list[Clause]:
    initiative = load_initiative()
    languages = initiative.languages
    version = DraftVersion(
        consultation_id=consultation.id,
        number=1,
        preamble={lang: [p[lang] for p in initiative.preamble] for lang in languages},
        change_summary="Text of the initiative as published on 2023-10-20.",
        created_by_id=consultation.created_by_id,
        created_at=now - timedelta(days=21),
        published_at=now - timedelta(days=21),
    )
    db.session.add(version)
    clauses = []
    for clause in initiative.clauses:
        added = append_voted_clause(
            version,
            clause.position,
            str(uuid.uuid5(LINEAGE_NAMESPACE, clause.key)),
            heading=_in(clause.heading, languages),
            text=_in(clause.text, languages),
            # Chinese, authoritative, has no standing; the others are DEMO_STANDING.
            translations={lang: DEMO_STANDING.value for lang in languages if lang != "zh"},
        )
        clauses.append(added)
    db.session.flush()
    return clauses


def _synthetic_participants(consultation, clauses, now, seed: int, n: int) -> int:
    """Insert synthetic users, profiles, participants and votes in bulk; return the vote count.
    Each account's language is the one its votes were read in where the text is in it."""
    people = generate_stakeholders(n=n, seed=seed)
    rng = np.random.default_rng(seed)
    joined = [now - timedelta(days=20, hours=-float(h)) for h in rng.uniform(0, 20 * 24, size=n)]
    user_ids = db.session.scalars(
        sa.insert(User).returning(User.id, sort_by_parameter_order=True),
        [
            {
                "email": p.email,
                "display_name": p.display_name,
                "password_hash": UNUSABLE_PASSWORD,
                "locale": p.language,
                "created_at": joined[i],
            }
            for i, p in enumerate(people)
        ],
    ).all()
    db.session.execute(
        sa.insert(StakeholderProfile),
        [
            {
                "user_id": user_ids[i],
                "sector": Sector(p.sector),
                "country": p.country,
                "organisation": p.organisation,
                # Some institutional profiles were checked by the organiser.
                "verification": Verification.VERIFIED
                if p.organisation and rng.random() < 0.4
                else Verification.UNVERIFIED,
            }
            for i, p in enumerate(people)
        ],
    )
    participant_ids = db.session.scalars(
        sa.insert(Participant).returning(Participant.id, sort_by_parameter_order=True),
        [
            {"consultation_id": consultation.id, "user_id": uid, "created_at": joined[i]}
            for i, uid in enumerate(user_ids)
        ],
    ).all()
    written, authors = contributions.add_statements(consultation, participant_ids, joined, now)
    statements = [clause.statement for clause in clauses]
    contributions.add_comments(consultation, statements, participant_ids, now)
    votable = [*statements, *written]
    texts = [*(clause.text for clause in clauses), *({s.language: s.text} for s in written)]
    votes = {
        (person, statement): value
        for person, statement, value in generate_votes(people, len(votable), seed=seed)
    }
    # An author's own agree vote is recorded with their statement.
    for offset, author in enumerate(authors):
        votes[(author, len(statements) + offset)] = 1
    # Each vote lands some hours after its voter joined (and after the statement was
    # written), so the history has a shape.
    delays = rng.exponential(36.0, size=len(votes))
    rows = []
    for ((person, statement), value), hours in zip(sorted(votes.items()), delays, strict=True):
        target = votable[statement]
        at = max(joined[person] + timedelta(hours=float(hours)), target.created_at)
        at = min(at, now)
        rows.append(
            {
                "consultation_id": consultation.id,
                "participant_id": participant_ids[person],
                "statement_id": target.id,
                "value": value,
                "language": vote_language(texts[statement], people[person].language),
                "created_at": at,
                "updated_at": at,
            }
        )
    rows.sort(key=lambda row: row["created_at"])
    db.session.execute(sa.insert(Vote), rows)
    events = [{k: v for k, v in row.items() if k != "updated_at"} for row in rows]
    db.session.execute(sa.insert(VoteEvent), events)
    return len(rows)


def _accounts_path() -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / ACCOUNTS_FILE


def _remember_accounts(password: str) -> None:
    """Keep the demo password beside the database (never in the repository)."""
    path = _accounts_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(password + "\n")
    path.chmod(0o600)


def _remembered_accounts() -> dict:
    path = _accounts_path()
    if not path.exists():
        return {}
    return {
        "accounts": [email for email, *_ in DEMO_ACCOUNTS],
        "password": path.read_text().strip(),
    }
