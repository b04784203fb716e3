"""Deterministic synthetic stakeholders and votes for the demo consultation.

Nothing here touches the database: ``flask seed-demo`` turns the output into rows. Both
generators draw from their own ``numpy.random.Generator`` seeded by ``seed``, so the
same arguments always give the same output.

The model
---------
Stakeholders
    The sector mix is fixed by quota (about a third citizens, a fifth civil society,
    fewer academics, firms and governments, fewest intergovernmental bodies and others),
    and so is the regional mix (developing regions weigh most); the country within a
    region is drawn from ``names.DEMO_COUNTRIES``, weighted towards large and developing
    countries. Even the smallest sector, region and income group is big enough (about 8 %
    of the default 300) to have well over the analysis's voter floor of 10 on every
    clause, so that broad agreement can be judged on the demo. Each stakeholder belongs to
    one of three latent opinion camps, drawn from a softmax of sector leanings plus a
    Global South (low to upper-middle income) leaning. Each reads the demo in a language
    drawn from their country (``consult.demo.languages``). The camps:

    - camp 0, "sovereignty and development": state-led governance, national
      jurisdiction, equal rights to develop AI, a UN body; governments and the Global
      South lean here;
    - camp 1, "rights and precaution": strict risk rules, ethics review, privacy;
      civil society and academia lean here;
    - camp 2, "innovation and openness": light-touch rules, open source, wary of
      jurisdiction claims and new bureaucracy; industry leans here.

Votes
    Clauses first: 55 % of those speaking for an organisation and 30 % of individuals
    vote on every clause (organisations answer a consultation in full), the rest on
    ``1 + Binomial(n - 1, p)`` clauses with ``p ~ Beta(0.9, 1.1)``, early clauses more
    likely (people read from the top). Statements past the clauses are participants'
    statements, newer and less seen: the j-th (from 0) is voted on with probability
    ``0.95 * 0.75**j`` times the share of the clauses the person voted on, so the
    latest ones are too thinly voted to judge. A vote is a pass with the clause's pass
    rate times a personal "passiness" (mean 1); otherwise it agrees with probability
    ``sigmoid(score)``, where ``score = base + camp effect + sector effect + Global
    South effect + personal agreeableness + noise``. The per-clause leanings
    (``CLAUSE_LEANINGS``) follow the 11 clauses' content: people-centred development,
    non-discrimination, privacy and broad participation are near-unanimous;
    sovereignty and jurisdiction, equal rights to develop (against exclusive blocs),
    risk tiers, ethics review and the developing-countries / UN-body clause divide the
    camps sharply (strongly enough for the analysis's structure test to find the three
    camps as opinion groups); technology for governance draws the most passes.
    Statements past the 11th get random leanings.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from consult import geo
from consult.demo import languages, names

SECTORS: tuple[str, ...] = (
    "government", "intergovernmental", "industry", "academia", "civil_society", "citizen",
    "other",
)  # fmt: skip
# Every sector gets enough people that, with uneven participation, each clause still has
# well over the analysis's voter floor (consult.analysis.consensus.MIN_VOTERS) of them:
# a thinner sector would make every clause "not assessable" and hide broad agreement.
SECTOR_SHARES: dict[str, float] = {
    "government": 0.10, "intergovernmental": 0.08, "industry": 0.12, "academia": 0.13,
    "civil_society": 0.19, "citizen": 0.30, "other": 0.08,
}  # fmt: skip
N_CAMPS = 3
# Logits of camps (sovereignty/development, rights/precaution, innovation/openness).
CAMP_LOGITS_BY_SECTOR: dict[str, tuple[float, float, float]] = {
    "government": (1.0, 0.3, -0.3),
    "intergovernmental": (0.8, 0.6, -0.5),
    "industry": (-0.5, -0.6, 1.6),
    "academia": (0.0, 0.6, 0.4),
    "civil_society": (-0.2, 1.3, -0.4),
    "citizen": (0.3, 0.4, 0.1),
    "other": (0.2, 0.3, 0.2),
}
CAMP_LOGITS_GLOBAL_SOUTH = (0.9, -0.3, -0.2)
CAMP_LOGITS_HIGH_INCOME = (-0.7, 0.4, 0.4)
EMAIL_DOMAIN = "demo.consult.example"


@dataclass(frozen=True)
class SyntheticStakeholder:
    display_name: str
    email: str
    sector: str
    country: str
    organisation: str | None
    camp: int
    language: str  # the one they read the demo in (consult.demo.languages)


@dataclass(frozen=True)
class ClauseLeaning:
    """How one statement is received: ``camp`` has one effect per camp."""

    key: str
    base: float
    camp: tuple[float, float, float]
    sector: dict[str, float]
    global_south: float
    pass_rate: float


# In the order of the clauses in the initiative's JSON (checked by the tests).
CLAUSE_LEANINGS: tuple[ClauseLeaning, ...] = (
    ClauseLeaning("people-centred", 3.6, (0.2, 0.2, 0.2), {}, 0.0, 0.03),
    # Jurisdiction over foreign providers, "interference in social systems": divisive.
    ClauseLeaning(
        "sovereignty", 0.2, (4.8, -3.0, -3.8), {"industry": -0.8, "government": 0.5}, 0.6, 0.08
    ),
    ClauseLeaning("ai-for-good", 2.2, (0.5, 0.4, -0.4), {"civil_society": 0.3}, 0.1, 0.06),
    # Open source and sharing appeal to camp 2; the anti-bloc, anti-sanction part does not
    # sit well with camp 1 in high-income countries.
    ClauseLeaning("equal-rights", 0.9, (4.4, -1.8, 1.2), {"industry": 0.2}, 1.2, 0.09),
    ClauseLeaning(
        "risk-tiers", 0.8, (1.2, 3.8, -3.8), {"industry": -1.0, "academia": 0.3}, 0.0, 0.10
    ),
    ClauseLeaning(
        "privacy", 3.2, (0.0, 0.8, -0.4), {"industry": -0.3, "civil_society": 0.4}, 0.0, 0.03
    ),
    ClauseLeaning("non-discrimination", 3.4, (0.2, 0.6, 0.0), {"civil_society": 0.3}, 0.2, 0.03),
    ClauseLeaning(
        "ethics-first", 1.0, (1.2, 3.4, -3.2), {"industry": -0.6, "academia": 0.4}, 0.0, 0.08
    ),
    ClauseLeaning(
        "broad-participation",
        2.6,
        (0.6, 0.3, -0.2),
        {"intergovernmental": 0.6, "civil_society": 0.3},
        0.3,
        0.06,
    ),
    ClauseLeaning("governance-technology", 1.0, (0.6, -1.2, 2.0), {"academia": 0.3}, 0.0, 0.18),
    ClauseLeaning(
        "developing-countries",
        0.8,
        (4.6, 0.8, -2.4),
        {"intergovernmental": 0.8, "industry": -0.4},
        1.3,
        0.07,
    ),
)
# Clause participation: a share reads every clause (more of those who speak for an
# organisation, which answer a consultation in full, than of individuals), the rest vote
# on some, early ones more often. Participants' statements (past the clauses) are newer
# and seen less, each fewer times than the one before, so the latest are thinly voted.
SHARE_VOTING_ON_ALL = {"organisation": 0.55, "individual": 0.3}
PARTIAL_SHARE_PRIOR = (0.9, 1.1)  # Beta prior of the share of clauses a partial voter sees
ORDER_DECAY = 0.1
STATEMENT_REACH = 0.95
STATEMENT_REACH_DECAY = 0.75


def _quota(shares: dict[str, float], n: int) -> list[str]:
    """Exactly ``n`` labels in the given shares (largest remainder), each at least once."""
    labels = list(shares)
    exact = {label: shares[label] * n for label in labels}
    counts = {label: math.floor(exact[label]) for label in labels}
    by_remainder = sorted(labels, key=lambda label: exact[label] - counts[label], reverse=True)
    for label in by_remainder[: n - sum(counts.values())]:
        counts[label] += 1
    if n >= len(labels):
        for label in labels:
            if counts[label] == 0:
                donor = max(labels, key=counts.__getitem__)
                counts[donor] -= 1
                counts[label] = 1
    return [label for label in labels for _ in range(counts[label])]


def _pick(rng: np.random.Generator, options: tuple[str, ...] | list[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _email_slug(display_name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", ".", ascii_name.lower()).strip(".") or "participant"


def _camp_logits(sector: str, country: str) -> np.ndarray:
    logits = np.array(CAMP_LOGITS_BY_SECTOR[sector])
    south = geo.global_south(country)
    if south is True:
        logits += CAMP_LOGITS_GLOBAL_SOUTH
    elif south is False:
        logits += CAMP_LOGITS_HIGH_INCOME
    return logits


def _organisation(rng: np.random.Generator, sector: str) -> str | None:
    if sector == "citizen" and rng.random() >= 0.1:
        return None
    return _pick(rng, names.ORGANISATIONS[sector])


def generate_stakeholders(n: int = 300, seed: int = 2023) -> list[SyntheticStakeholder]:
    """``n`` made-up stakeholders; the same ``(n, seed)`` always gives the same list."""
    rng = np.random.default_rng(seed)
    language_rng = languages.language_stream(seed)
    sectors = rng.permutation(_quota(SECTOR_SHARES, n))
    regions = rng.permutation(_quota(names.REGION_WEIGHTS, n))
    stakeholders = []
    for index, (sector, region) in enumerate(zip(sectors, regions, strict=True)):
        sector, region = str(sector), str(region)
        weights = names.DEMO_COUNTRIES[region]
        probabilities = np.array(list(weights.values())) / sum(weights.values())
        country = str(rng.choice(list(weights), p=probabilities))
        # One in ten carries a name from another region: diasporas, mixed families.
        name_region = _pick(rng, list(names.NAME_POOLS)) if rng.random() < 0.1 else region
        pools = names.NAME_POOLS[name_region]
        given, family = pools[int(rng.integers(len(pools)))]
        display_name = f"{_pick(rng, given)} {_pick(rng, family)}"
        logits = _camp_logits(sector, country)
        camp_probabilities = np.exp(logits) / np.exp(logits).sum()
        stakeholders.append(
            SyntheticStakeholder(
                display_name=display_name,
                email=f"{_email_slug(display_name)}.{index}@{EMAIL_DOMAIN}",
                sector=sector,
                country=country,
                organisation=_organisation(rng, sector),
                camp=int(rng.choice(N_CAMPS, p=camp_probabilities)),
                language=languages.reading_language(language_rng, country),
            )
        )
    return stakeholders


def _leanings(rng: np.random.Generator, n_statements: int) -> list[ClauseLeaning]:
    leanings = list(CLAUSE_LEANINGS[:n_statements])
    for position in range(len(leanings), n_statements):
        camp = tuple(float(x) for x in rng.normal(0.0, 1.2, size=N_CAMPS))
        leanings.append(
            ClauseLeaning(f"statement-{position + 1}", float(rng.normal(0.8, 1.0)), camp, {},
                          float(rng.normal(0.0, 0.5)), float(rng.uniform(0.04, 0.15)))
        )  # fmt: skip
    return leanings


def _statements_voted(
    rng: np.random.Generator, n_statements: int, share_voting_on_all: float
) -> np.ndarray:
    n_clauses = min(n_statements, len(CLAUSE_LEANINGS))
    if rng.random() < share_voting_on_all:
        clauses = np.arange(n_clauses)
    else:
        k = 1 + int(rng.binomial(n_clauses - 1, rng.beta(*PARTIAL_SHARE_PRIOR)))
        order_weights = 1.0 / (1.0 + ORDER_DECAY * np.arange(n_clauses))
        clauses = np.sort(
            rng.choice(n_clauses, size=k, replace=False, p=order_weights / order_weights.sum())
        )
    # The more clauses someone read, the likelier they go on to the participants' statements.
    engagement = len(clauses) / n_clauses
    reach = STATEMENT_REACH * STATEMENT_REACH_DECAY ** np.arange(n_statements - n_clauses)
    seen = np.flatnonzero(rng.random(reach.size) < engagement * reach) + n_clauses
    return np.concatenate([clauses, seen])


def generate_votes(
    stakeholders: list[SyntheticStakeholder], n_statements: int = 11, seed: int = 2023
) -> list[tuple[int, int, int]]:
    """(stakeholder index, statement index, value) triples, value in {1, -1, 0}.

    Sorted by stakeholder then statement; at most one vote per pair, at least one vote
    per stakeholder. Deterministic given the stakeholders, ``n_statements`` and ``seed``.
    """
    if n_statements < 1:
        raise ValueError("n_statements must be at least 1")
    rng = np.random.default_rng(seed)
    leanings = _leanings(rng, n_statements)
    votes: list[tuple[int, int, int]] = []
    for index, person in enumerate(stakeholders):
        agreeableness = rng.normal(0.0, 0.4)
        passiness = min(rng.gamma(2.0, 0.5), 3.0)
        south = 1.0 if geo.global_south(person.country) else 0.0
        share = SHARE_VOTING_ON_ALL["organisation" if person.organisation else "individual"]
        for statement in _statements_voted(rng, n_statements, share):
            leaning = leanings[statement]
            if rng.random() < min(leaning.pass_rate * passiness, 0.6):
                votes.append((index, int(statement), 0))
                continue
            score = (
                leaning.base
                + leaning.camp[person.camp]
                + leaning.sector.get(person.sector, 0.0)
                + leaning.global_south * south
                + agreeableness
                + rng.normal(0.0, 0.5)
            )
            agree = rng.random() < 1.0 / (1.0 + math.exp(-score))
            votes.append((index, int(statement), 1 if agree else -1))
    return votes
