"""What a notice says: each kind's headline, details and link, written in the reader's
language when the mail is written (so an answer edited since reads as it is now)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _

from consult.consultations.models import Consultation, Participant, Status
from consult.drafts.models import DraftVersion
from consult.extensions import db
from consult.i18n import localized
from consult.moderation.models import ContributionResponse, ModerationEvent
from consult.notifications.models import NotificationKind
from consult.participation.models import Comment, Statement
from consult.reports.models import PublishedReport

QUOTE_MAX = 600


@dataclass(frozen=True)
class Entry:
    """One notice, ready for a mail: a headline, paragraphs, an optional quotation of the
    reader's own words and a reason, and where to read more."""

    kind: NotificationKind
    headline: str
    paragraphs: tuple[str, ...] = ()
    quote: str | None = None
    reason: str | None = None
    link: str = ""
    link_text: str = ""
    items: tuple[str, ...] = ()


def _link(endpoint: str, **values) -> str:
    from consult.mail import absolute_url

    return absolute_url(endpoint, **values)


def _short(text: str | None) -> str | None:
    text = (text or "").strip()
    return text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1].rstrip() + "…"


def _authored_by(item, user_id: int) -> bool:
    author = db.session.get(Participant, item.author_id) if item and item.author_id else None
    return author is not None and author.user_id == user_id


def entry_for(
    kind: NotificationKind, payload: dict, user_id: int, language: str, now: datetime
) -> Entry | None:
    """The notice in ``language`` (the caller forces the locale), or None when what it was
    about is gone or no longer the reader's to hear about."""
    writer = WRITERS[kind]
    try:
        return writer(payload, user_id, language, now)
    except (KeyError, TypeError, ValueError):  # a payload from an older version
        return None


def _answer(payload: dict, user_id: int, language: str, now: datetime) -> Entry | None:
    response = db.session.get(ContributionResponse, int(payload["response_id"]))
    if response is None:
        return None
    consultation = db.session.get(Consultation, response.consultation_id)
    if response.comment_id:
        item = db.session.get(Comment, response.comment_id)
        if item is None or item.deleted_at is not None:
            return None
        text, statement_id = item.proposed_text or item.body, item.statement_id
    else:
        item = db.session.get(Statement, response.statement_id)
        if item is None:
            return None
        text, statement_id = item.text, item.id
    if not _authored_by(item, user_id):  # only ever its author hears about it
        return None
    title = localized(consultation.title, language)
    link = _link("participation.show_statement", slug=consultation.slug, statement_id=statement_id)
    if response.comment_id:
        link += f"#comment-{response.comment_id}"
    return Entry(
        NotificationKind.ANSWER,
        _("The moderators of “%(title)s” answered your contribution", title=title),
        (_("Their answer: %(outcome)s.", outcome=response.outcome.label),),
        quote=_short(text),
        reason=response.reason,
        link=link,
        link_text=_("Read it in the consultation"),
    )


def _clause_changed(payload: dict, user_id: int, language: str, now: datetime) -> Entry | None:
    version = db.session.get(DraftVersion, int(payload["version_id"]))
    if version is None or version.published_at is None:
        return None
    consultation = db.session.get(Consultation, version.consultation_id)
    wanted = set(payload["lineages"])
    headings = [
        localized(clause.heading, language) or _("Clause %(n)d", n=clause.position)
        for clause in version.clauses
        if clause.lineage_key in wanted
    ]
    if not headings:
        return None
    paragraphs = [
        _(
            "Version %(n)d of the draft changes clauses you voted on. Your earlier vote "
            "stays with the wording you voted on; look at the new wording and vote again.",
            n=version.number,
        )
    ]
    if version.change_summary:
        paragraphs.append(_("What changed: %(summary)s", summary=version.change_summary))
    return Entry(
        NotificationKind.CLAUSE_CHANGED,
        _(
            "Clauses you voted on changed in “%(title)s”",
            title=localized(consultation.title, language),
        ),
        tuple(paragraphs),
        items=tuple(headings),
        link=_link("consultations.show", slug=consultation.slug),
        link_text=_("Read the new version"),
    )


def _decision(payload: dict, user_id: int, language: str, now: datetime) -> Entry | None:
    event = db.session.get(ModerationEvent, int(payload["event_id"]))
    if event is None:
        return None
    model = Statement if event.target_kind == "statement" else Comment
    item = db.session.get(model, event.target_id)
    if item is None or not _authored_by(item, user_id):  # rejected text: its author only
        return None
    consultation = db.session.get(Consultation, item.consultation_id)
    title = localized(consultation.title, language)
    statement = event.target_kind == "statement"
    if event.action == "approve":
        headline = (
            _("Your statement in “%(title)s” was approved", title=title)
            if statement
            else _("Your comment in “%(title)s” was approved", title=title)
        )
        statement_id = item.id if statement else item.statement_id
        link = _link(
            "participation.show_statement", slug=consultation.slug, statement_id=statement_id
        )
        return Entry(
            NotificationKind.MODERATION,
            headline,
            (_("Others can read it now."),),
            quote=_short(item.text if statement else item.body),
            link=link,
            link_text=_("See it in the consultation"),
        )
    headline = (
        _("Your statement in “%(title)s” was not approved", title=title)
        if statement
        else _("Your comment in “%(title)s” was not approved", title=title)
    )
    return Entry(
        NotificationKind.MODERATION,
        headline,
        (_("Only you can see this message and the text it is about."),),
        quote=_short(item.text if statement else item.body),
        reason=event.reason or item.moderation_reason,
        link=_link("participation.my_participation", slug=consultation.slug),
        link_text=_("See your participation"),
    )


def _schedule(payload: dict, user_id: int, language: str, now: datetime) -> Entry | None:
    consultation = db.session.get(Consultation, int(payload["consultation_id"]))
    if consultation is None or consultation.status is Status.DRAFT:
        return None
    title = localized(consultation.title, language)
    link = _link("consultations.show", slug=consultation.slug)
    if payload["event"] == "opens":
        return Entry(
            NotificationKind.SCHEDULE,
            _("“%(title)s” is open: you can take part now", title=title),
            link=link,
            link_text=_("Take part"),
        )
    if not consultation.closes_at:
        return None
    closes = format_datetime(consultation.closes_at, "long")
    return Entry(
        NotificationKind.SCHEDULE,
        _("“%(title)s” closes soon", title=title),
        (_("It closes on %(date)s. Vote and comment before then.", date=closes),),
        link=link,
        link_text=_("Take part"),
    )


def _report(payload: dict, user_id: int, language: str, now: datetime) -> Entry | None:
    report = db.session.get(PublishedReport, int(payload["report_id"]))
    if report is None or not report.is_public(now):
        return None
    consultation = db.session.get(Consultation, report.consultation_id)
    return Entry(
        NotificationKind.REPORT,
        _(
            "A report on “%(title)s” is published: %(report)s",
            title=localized(consultation.title, language),
            report=report.title,
        ),
        link=_link("reports.show_report", slug=consultation.slug, report_slug=report.slug),
        link_text=_("Read the report"),
    )


WRITERS = {
    NotificationKind.ANSWER: _answer,
    NotificationKind.CLAUSE_CHANGED: _clause_changed,
    NotificationKind.MODERATION: _decision,
    NotificationKind.SCHEDULE: _schedule,
    NotificationKind.REPORT: _report,
}
