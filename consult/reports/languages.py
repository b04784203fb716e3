"""Participation and agreement by the language people took part in (issue 17).

A participant's language is the one most of their votes were read in (``Vote.language``;
votes without one are ignored), else their account's interface language, else unknown.
Each analysis run counts, from the same read of the database as its votes, how many of
its participants and votes each language has and, per statement, how many of each
language's voters agreed (:func:`breakdown`, kept in the snapshot's parameters under
:data:`LANGUAGES`); the dashboard reads that back (:func:`language_groups`), so its
figures match the run's and its cached page stays valid until the next run.

Agreement per language is the share of agree votes among all votes (passes count), with
a 90 % Jeffreys interval, as the engine reports it for sectors and regions, but without
the engine's group-balancing weights: it describes who said what, it is not a finding.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import sqlalchemy as sa

from consult.auth.models import User
from consult.consultations.models import Participant
from consult.extensions import db
from consult.participation.models import Vote

if TYPE_CHECKING:
    from consult.reports.adapter import AnalysisInput

LANGUAGES = "languages"  # the key in a snapshot's parameters
UNKNOWN = "und"  # BCP 47 "undetermined": neither votes nor the account say
LEVEL = 0.90


def participant_languages(consultation_id: int) -> dict[int, str]:
    """Each participant's language (see the module's docstring), by participant id; ties
    between languages go to the alphabetically first code, so a rerun agrees."""
    rows = db.session.execute(
        sa.select(Vote.participant_id, Vote.language, sa.func.count())
        .where(Vote.consultation_id == consultation_id, Vote.language.is_not(None))
        .group_by(Vote.participant_id, Vote.language)
    ).all()
    best: dict[int, str] = {}
    for participant_id, language, _count in sorted(rows, key=lambda r: (r[0], -r[2], r[1])):
        best.setdefault(participant_id, language)  # the most votes, then the first code
    locales = db.session.execute(
        sa.select(Participant.id, User.locale)
        .outerjoin(User, User.id == Participant.user_id)
        .where(Participant.consultation_id == consultation_id)
    ).all()
    return {pid: best.get(pid) or locale or UNKNOWN for pid, locale in locales}


def breakdown(data: AnalysisInput, languages: dict[int, str]) -> dict:
    """The run's counts by language, JSON-ready: ``participants`` and ``votes`` per code,
    and per code the statement ids its voters voted on with their ``agree`` and ``seen``
    counts (lists aligned with ``statements``)."""
    votes = data.votes
    codes = np.array(
        [languages.get(int(pid), UNKNOWN) for pid in votes.participant_ids], dtype=object
    )
    found = sorted(set(codes.tolist()))
    index = {code: k for k, code in enumerate(found)}
    row_language = np.array([index[c] for c in codes], dtype=np.int64)
    cell_language = row_language[votes.rows]
    n_statements = len(votes.statement_ids)
    flat = cell_language * n_statements + votes.cols
    size = len(found) * n_statements
    seen = np.bincount(flat, minlength=size).reshape(len(found), n_statements)
    agree = np.bincount(flat[votes.values == 1], minlength=size).reshape(len(found), n_statements)
    result = {"participants": {}, "votes": {}, "statements": {}}
    for code, k in index.items():
        voted = np.flatnonzero(seen[k])
        result["participants"][code] = int((row_language == k).sum())
        result["votes"][code] = int(seen[k].sum())
        result["statements"][code] = {
            "ids": votes.statement_ids[voted].astype(int).tolist(),
            "agree": agree[k, voted].astype(int).tolist(),
            "seen": seen[k, voted].astype(int).tolist(),
        }
    return result


# --- what the dashboard shows ---------------------------------------------------------


@dataclass(frozen=True)
class LanguageGroup:
    """One language's share of the run: ``participants`` of ``total`` and their votes."""

    code: str
    name: str
    participants: int
    total: int
    votes: int
    offered: bool  # one of the consultation's languages

    @property
    def share(self) -> float:
        return self.participants / self.total if self.total else 0.0


@dataclass(frozen=True)
class Agreement:
    """One language group's agreement with one statement (None where none of it voted)."""

    rate: float | None
    lower: float | None
    upper: float | None
    voters: int


@dataclass(frozen=True)
class LanguageView:
    """The dashboard's language section: the groups, largest first (the consultation's
    languages with nobody are listed too, with 0), and agreement on listed statements
    by ``(statement id, code)``."""

    groups: tuple[LanguageGroup, ...]
    agreement: dict[tuple[int, str], Agreement]
    threshold: float

    def of(self, statement_id: int, code: str) -> Agreement:
        return self.agreement.get((statement_id, code), Agreement(None, None, None, 0))


def language_groups(
    stored: dict | None, offered: list[str], statement_ids: list[int], threshold: float
) -> LanguageView | None:
    """The view of a run's stored :func:`breakdown` (None for a run made before it was
    counted), with agreement on ``statement_ids`` only and names in the reader's language."""
    from consult.participation.translations import language_label

    if not stored:
        return None
    participants = Counter(stored["participants"])
    for code in offered:
        participants.setdefault(code, 0)
    total = sum(participants.values())
    groups = sorted(
        (
            LanguageGroup(
                code=code,
                name=language_label(None if code == UNKNOWN else code),
                participants=n,
                total=total,
                votes=stored["votes"].get(code, 0),
                offered=code in offered,
            )
            for code, n in participants.items()
        ),
        key=lambda g: (-g.participants, g.code == UNKNOWN, g.code),
    )
    wanted = set(statement_ids)
    agreement = {}
    for code, cells in stored["statements"].items():
        for sid, agree, seen in zip(cells["ids"], cells["agree"], cells["seen"], strict=True):
            if sid in wanted:
                agreement[(sid, code)] = _agreement(agree, seen)
    return LanguageView(tuple(groups), agreement, threshold)


def _agreement(agree: int, seen: int) -> Agreement:
    """The share of agree votes and its Jeffreys interval (the engine's, for one cell)."""
    from scipy.special import betaincinv

    tail = (1.0 - LEVEL) / 2.0
    a, b = agree + 0.5, max(seen - agree, 0) + 0.5
    lower = 0.0 if agree <= 0 else float(betaincinv(a, b, tail))
    upper = 1.0 if agree >= seen else float(betaincinv(a, b, 1.0 - tail))
    return Agreement(agree / seen, lower, upper, seen)
