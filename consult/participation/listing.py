"""Finding statements: search, a filter and a sort over what is open for voting, 50 a page.

Participants' statements and their approved translations are searched in the database;
the draft's clauses (their text lives on the latest published Clause, as JSON per
language) are few, so they are read once and searched in Python, then joined to the same
query as a list of ids. Sorting and paging happen in one SQL query over the statements and
the vote counts the database keeps per statement (never over the votes themselves), so a
page costs the same few small queries however many statements and votes there are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.consultations.models import Consultation, Participant
from consult.drafts.models import Clause, DraftVersion
from consult.enums import LabelledEnum
from consult.errors import DomainError
from consult.extensions import db
from consult.participation.models import (
    ContentTranslation,
    ModerationState,
    Statement,
    StatementKind,
    Vote,
)
from consult.participation.reading import VoteBox, vote_boxes
from consult.participation.vote_counts import StatementVoteCount

PAGE_SIZE = 50
QUERY_MAX = 200
PAGE_MAX = 100_000


class Show(LabelledEnum):
    """Which statements the list holds; participants' statements unless asked otherwise."""

    PARTICIPANTS = "participants", _l("Statements from participants")
    ALL = "all", _l("All statements, with the draft's clauses")
    CLAUSES = "clauses", _l("The draft's clauses only")
    UNVOTED = "unvoted", _l("Statements I have not voted on")
    MINE = "mine", _l("My statements")


class Sort(LabelledEnum):
    NEWEST = "newest", _l("Newest first")
    AGREED = "agreed", _l("Most agreed")
    # Divisive: many people on both sides (the smaller side is large).
    DIVISIVE = "divisive", _l("Most divisive")
    LEAST_VOTED = "least_voted", _l("Fewest votes first")


@dataclass(frozen=True)
class ListingFilters:
    """A search in the text, what to show, the order and the page (from a query string)."""

    query: str = ""
    show: Show = Show.PARTICIPANTS
    sort: Sort = Sort.NEWEST
    page: int = 1
    shows: ClassVar[tuple[Show, ...]] = tuple(Show)  # the choices, for the form
    sorts: ClassVar[tuple[Sort, ...]] = tuple(Sort)

    @classmethod
    def parse(cls, args) -> ListingFilters:
        """The filters in ``args``; a DomainError (400) says which one is wrong."""
        query = args.get("q") or ""
        if not isinstance(query, str) or "\x00" in query:
            raise DomainError(_("The search holds a character that cannot be searched for."), "q")
        query = " ".join(query.split())
        if len(query) > QUERY_MAX:
            raise DomainError(_("Search for at most %(n)d characters.", n=QUERY_MAX), "q")

        def choice(name, enum, default, message):
            value = (args.get(name) or "").strip()
            try:
                return enum(value) if value else default
            except ValueError:
                raise DomainError(message, field=name) from None

        page = (args.get("page") or "1").strip()
        if not page.isascii() or not page.isdigit() or not 1 <= int(page) <= PAGE_MAX:
            raise DomainError(_("Choose a page number from the list."), field="page")
        return cls(
            query=query,
            show=choice("show", Show, Show.PARTICIPANTS, _("Choose what to show from the list.")),
            sort=choice("sort", Sort, Sort.NEWEST, _("Choose an order from the list.")),
            page=int(page),
        )

    def as_args(self, **changes) -> dict[str, str]:
        """The filters as query-string arguments, defaults left out, for links."""
        values = {
            "q": self.query,
            "show": "" if self.show is Show.PARTICIPANTS else self.show.value,
            "sort": "" if self.sort is Sort.NEWEST else self.sort.value,
            "page": str(self.page),
        }
        values.update({key: str(value) for key, value in changes.items()})
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")}

    @property
    def is_default(self) -> bool:
        return not self.as_args()


@dataclass(frozen=True)
class Listed:
    """One statement of the page, with its clause when it is one of the draft's clauses."""

    statement: Statement
    clause: Clause | None = None


@dataclass(frozen=True)
class StatementPage:
    """A page of the list: its statements, their vote boxes (by statement id), and the
    filters that chose them."""

    items: list[Listed]
    number: int
    pages: int
    total: int
    filters: ListingFilters
    boxes: dict[int, VoteBox] = field(default_factory=dict)

    @property
    def past_the_end(self) -> bool:
        """Asked for a page after the last one (an old link to a list that shrank): no
        statements, and the page says so with links to the first and last pages."""
        return self.number > self.pages


def current_clauses(consultation: Consultation) -> dict[int, Clause]:
    """The clauses of the latest published version, by the id of the statement voted on."""
    latest = (
        sa.select(DraftVersion.id)
        .where(
            DraftVersion.consultation_id == consultation.id,
            DraftVersion.published_at.is_not(None),
        )
        .order_by(DraftVersion.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    clauses = db.session.scalars(
        sa.select(Clause).where(Clause.version_id == latest, Clause.statement_id.is_not(None))
    )
    return {clause.statement_id: clause for clause in clauses}


def _clause_matches(clause: Clause, needle: str) -> bool:
    texts = [*(clause.text or {}).values(), *(clause.heading or {}).values()]
    return any(needle in (text or "").casefold() for text in texts)


def _text_matches(query: str):
    """A participant's statement whose text, or an approved translation of it (into any
    language: readers search in theirs), holds ``query``. Pending and rejected
    translations are not public, so they never make a statement match."""
    translated = sa.select(ContentTranslation.id).where(
        ContentTranslation.statement_id == Statement.id,
        ContentTranslation.moderation_state == ModerationState.APPROVED,
        ContentTranslation.text.icontains(query, autoescape=True),
    )
    return sa.or_(Statement.text.icontains(query, autoescape=True), translated.exists())


def _order(sort: Sort) -> list:
    """The order of ``sort``, read from the per-statement counts the database keeps
    (:mod:`consult.participation.vote_counts`; no row: no votes), never from the votes."""
    agree = sa.func.coalesce(StatementVoteCount.agree, 0)
    disagree = sa.func.coalesce(StatementVoteCount.disagree, 0)
    total = agree + disagree + sa.func.coalesce(StatementVoteCount.passed, 0)
    newest = [Statement.created_at.desc(), Statement.id.desc()]
    if sort is Sort.AGREED:
        return [agree.desc(), disagree.asc(), *newest]
    if sort is Sort.DIVISIVE:
        smaller_side = sa.case((agree < disagree, agree), else_=disagree)
        return [smaller_side.desc(), total.desc(), *newest]
    if sort is Sort.LEAST_VOTED:
        return [total.asc(), *newest]
    return newest


def list_statements(
    consultation: Consultation, participant: Participant | None, filters: ListingFilters
) -> StatementPage:
    """The page of approved statements that ``filters`` asks for, for ``participant``
    (None for a visitor who has not taken part: nothing is theirs, nothing voted on).

    A page number past the last page gives an empty page that is ``past_the_end``."""
    clauses = current_clauses(consultation)
    needle = filters.query.casefold()
    clause_ids = [sid for sid, c in clauses.items() if not needle or _clause_matches(c, needle)]
    from_participants = Statement.kind != StatementKind.CLAUSE
    if filters.query:
        from_participants = sa.and_(from_participants, _text_matches(filters.query))
    of_clauses = Statement.id.in_(clause_ids) if clause_ids else sa.false()
    conditions = [Statement.consultation_id == consultation.id]
    if filters.show is not Show.MINE:  # one's own statements show in every state
        conditions.append(Statement.moderation_state == ModerationState.APPROVED)
    if filters.show is Show.PARTICIPANTS:
        conditions.append(from_participants)
    elif filters.show is Show.CLAUSES:
        conditions.append(of_clauses)
    elif filters.show is Show.MINE:
        mine = Statement.author_id == participant.id if participant else sa.false()
        conditions += [from_participants, mine]
    else:
        conditions.append(sa.or_(from_participants, of_clauses))
    if filters.show is Show.UNVOTED and participant is not None:
        voted = sa.select(Vote.id).where(
            Vote.participant_id == participant.id, Vote.statement_id == Statement.id
        )
        conditions.append(~voted.exists())
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Statement).where(*conditions))
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if filters.page > pages:
        return StatementPage([], filters.page, pages, total, filters)
    rows = db.session.scalars(
        sa.select(Statement)
        .outerjoin(StatementVoteCount, StatementVoteCount.statement_id == Statement.id)
        .where(*conditions)
        .order_by(*_order(filters.sort))
        .limit(PAGE_SIZE)
        .offset((filters.page - 1) * PAGE_SIZE)
    ).all()
    items = [Listed(statement, clauses.get(statement.id)) for statement in rows]
    lineages = {item.statement.id: item.clause.lineage_key for item in items if item.clause}
    boxes = vote_boxes([item.statement.id for item in items], participant, lineages)
    return StatementPage(items, filters.page, pages, total, filters, boxes)


def find_statements(
    consultation: Consultation, participant: Participant | None, args
) -> StatementPage:
    """The page a query string (``q``, ``show``, ``sort``, ``page``) asks for, with the
    vote boxes of its statements; a DomainError (400) names a bad value."""
    return list_statements(consultation, participant, ListingFilters.parse(args))
