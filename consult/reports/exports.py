"""Data exports: the Polis CSV files, the full analysis as JSON, and a reproducible ZIP.

Everything streams: each export is a generator of text or bytes that reads the database
in batches. A ZIP holds the Polis files, the participants' attributes, the analysis, the
parameters and seed, the Consult version and a SHA-256 manifest of every file in it.

An export holds plain values only (no ORM objects), and runs its queries as it streams:
the response's body is written after the view's session is gone, in a session of its
own (see ``views._download``). A *public* export (a published report's data) withholds
the text and author of every statement no moderator approved.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import gettext as _

import consult
from consult.consultations.models import Consultation
from consult.errors import NotFound
from consult.extensions import db
from consult.i18n import localized
from consult.mail.compose import absolute_url
from consult.mail.settings import site_url
from consult.participation.models import Statement
from consult.reports import polis_csv, snapshots
from consult.reports.adapter import participant_attributes
from consult.reports.labels import statement_infos
from consult.reports.models import AnalysisSnapshot

POLIS_FILES = (
    "summary.csv",
    "comments.csv",
    "votes.csv",
    "participants-votes.csv",
    "comment-groups.csv",
)
ATTRIBUTES_FILE = "participant-attributes.csv"
EXPORTS = (*POLIS_FILES, ATTRIBUTES_FILE, "analysis.json", "bundle.zip")
# Werkzeug adds "; charset=utf-8" to text types itself (naming it here sent it twice).
MEDIA = {"csv": "text/csv", "json": "application/json", "zip": "application/zip"}


def media_type(name: str) -> str:
    return MEDIA[name.rsplit(".", 1)[1]]


def check_name(name: str) -> str:
    """``name`` if it is an export; NotFound (before any streaming starts) otherwise."""
    if name not in EXPORTS:
        raise NotFound(_("There is no export of that name."))
    return name


class Export:
    """One consultation's exports, as of ``snapshot`` (its votes and statements) or now.

    With ``public``, statements no moderator approved keep their rows (their votes are
    in the analysis) but lose their text and author.
    """

    def __init__(
        self, consultation: Consultation, snapshot: AnalysisSnapshot | None, public: bool = False
    ):
        self.public = public
        self.slug = consultation.slug
        self.consultation_id = consultation.id
        self.title = localized(consultation.title, "en")
        self.summary_text = localized(consultation.summary, "en")
        self.snapshot_id = snapshot.id if snapshot else None
        self.computed_at = snapshot.created_at.isoformat() if snapshot else None
        self.snapshot_parameters = dict(snapshot.parameters or {}) if snapshot else None
        # The run's figures through its typed view (decoded once per snapshot); the raw
        # JSON only for analysis.json, which publishes the codec's versioned format.
        self.view = snapshots.view_of(snapshot) if snapshot else None
        self.result = snapshot.result if snapshot else None
        self.up_to = snapshot.last_vote_event_id if snapshot else None
        view = self.view
        self.numbering = polis_csv.Numbering(
            consultation.id, list(view.statement_ids) if view else None
        )
        people = view.participants if view else None
        self.groups = (
            dict(zip(people.ids.tolist(), people.groups.tolist(), strict=True)) if people else {}
        )
        infos = statement_infos(consultation.id, "en")
        self.texts = {sid: info.text for sid, info in infos.items()}
        if public:
            shown = set(
                db.session.scalars(
                    sa.select(Statement.id).where(
                        Statement.consultation_id == consultation.id,
                        Statement.moderation_state.in_(polis_csv.PUBLIC_STATES),
                    )
                )
            )
            self.texts = {sid: t for sid, t in self.texts.items() if sid in shown}

    @classmethod
    def load(cls, consultation_id: int, snapshot_id: int | None, public: bool = False) -> Export:
        """The export read afresh in the current session (the streaming body's)."""
        consultation = db.session.get(Consultation, consultation_id)
        snapshot = snapshots.get_snapshot(consultation_id, snapshot_id) if snapshot_id else None
        return cls(consultation, snapshot, public)

    def stream(self, name: str) -> Iterator:
        check_name(name)
        if name == "bundle.zip":
            return self.bundle()
        if name == "analysis.json":
            return iter([json.dumps(self.analysis(), ensure_ascii=False, indent=1)])
        return getattr(self, name.removesuffix(".csv").replace("-", "_"))()

    def _totals(self) -> dict[int, tuple[int, int]]:
        if self.view is None:
            return {}
        return {s: (t.agree, t.disagree) for s, t in self.view.totals.items()}

    def _commenters(self) -> int:
        """How many people wrote the statements in comments.csv. Polis counts every
        comment's author, moderated out or not (its exports' summary.csv match the distinct
        author-ids of their comments.csv), and so does this."""
        query = sa.select(sa.func.count(sa.distinct(Statement.author_id))).where(
            Statement.consultation_id == self.consultation_id,
            Statement.id.in_(list(self.numbering.comment_id)),
        )
        return db.session.scalar(query) or 0

    def summary(self):
        view = self.view
        rows = [
            ["topic", self.title],
            ["url", consultation_url(self.slug)],
            # Polis's "views" counts everyone who opened the conversation, voting or not
            # (6,184 views for 339 voters in its 15-per-hour-seattle export). Consult does
            # not count page views: it puts its participants here, everyone who voted,
            # wrote or translated a statement or commented, so views >= voters as in Polis.
            ["views", len(self.numbering.participants)],
            ["voters", view.n_participants if view else ""],
            ["voters-in-conv", view.n_clustered if view else ""],
            ["commenters", self._commenters()],
            ["comments", len(self.numbering.comment_id)],
            ["groups", view.k if view else ""],
            ["conversation-description", self.summary_text],
        ]
        buffer = polis_csv.rows_to_csv(rows[0], rows[1:])
        return buffer

    def comments(self):
        return polis_csv.comments_csv(
            self.consultation_id,
            self.numbering,
            self.texts,
            self._totals(),
            self.public,
            excluded_at_run=self.view.excluded if self.view else None,
        )

    def votes(self):
        return polis_csv.votes_csv(self.consultation_id, self.numbering, self.up_to)

    def participants_votes(self):
        return polis_csv.participants_votes_csv(
            self.consultation_id, self.numbering, self.up_to, self.groups, self.public
        )

    def participant_attributes(self):
        """participant-attributes.csv: each numbered participant's sector, region and income
        group, which broad agreement is computed over (the analysis CLI reads this file)."""
        ids = self.numbering.participants
        attributes = participant_attributes(self.consultation_id, ids)
        columns = (attributes.sector, attributes.region, attributes.income_group)
        rows = (
            [number, *("" if col[number] is None else col[number] for col in columns)]
            for number in range(len(ids))
        )
        return polis_csv.rows_to_csv(["participant", "sector", "region", "income_group"], rows)

    def comment_groups(self):
        view = self.view
        group_ids = view.group_ids if view else ()
        header = ["comment-id", "comment", "total-votes", "total-agrees", "total-disagrees"]
        header.append("total-passes")
        for g in group_ids:
            letter = chr(ord("a") + g)
            header += [f"group-{letter}-{k}" for k in ("votes", "agrees", "disagrees", "passes")]

        def rows():
            for s in view.statement_ids if view else ():
                if s not in self.numbering.comment_id:
                    continue
                total = view.totals[s]
                row = [self.numbering.comment_id[s], self.texts.get(s, "")]
                for tally in (total, *view.group_tallies[s]):
                    row += [tally.seen, tally.agree, tally.disagree, tally.passed]
                yield row

        return polis_csv.rows_to_csv(header, rows())

    def parameters(self) -> dict:
        params = self.snapshot_parameters
        known = params or {}
        command = f"python -m consult.analysis . --json --seed {known.get('random_state', 0)}"
        # Older runs did not record these; the CLI's defaults are the engine's then.
        for option, key in (("--min-voters", "min_voters"), ("--bootstrap", "n_bootstrap")):
            if known.get(key) is not None:
                command += f" {option} {known[key]}"
        return {
            "consultation": self.slug,
            "consult_version": consult.__version__,
            "snapshot_id": self.snapshot_id,
            "computed_at": self.computed_at,
            "last_vote_event_id": self.up_to,
            "parameters": params,
            "reproduce": command,
        }

    def analysis(self) -> dict:
        """The snapshot in the codec's versioned JSON (its ``format`` names the layout),
        with participants numbered as in the CSV files and each statement's comment-id;
        the warm-start state is left out."""
        if self.view is None:
            return {**self.parameters(), "result": None}
        result = {key: value for key, value in self.result.items() if key != "state"}
        numbered = self.numbering.participant_many(self.view.participants.ids)
        result["participants"] = {**result["participants"], "ids": numbered.tolist()}
        result["statement_comment_ids"] = [
            self.numbering.comment_id.get(s) for s in self.view.statement_ids
        ]
        return {**self.parameters(), "result": result}

    def bundle(self) -> Iterator[bytes]:
        """A ZIP, written as it streams, ending with ``MANIFEST.sha256``."""
        sink = _Sink()
        manifest = []
        with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            members = [*POLIS_FILES, ATTRIBUTES_FILE, "analysis.json"]
            for name in members:
                digest = hashlib.sha256()
                with archive.open(name, "w", force_zip64=True) as member:
                    for chunk in self.stream(name):
                        data = chunk.encode("utf-8")
                        digest.update(data)
                        member.write(data)
                        yield from sink.drain()
                manifest.append(f"{digest.hexdigest()}  {name}")
            params = json.dumps(self.parameters(), indent=1).encode()
            archive.writestr("parameters.json", params)
            manifest.append(f"{hashlib.sha256(params).hexdigest()}  parameters.json")
            archive.writestr("MANIFEST.sha256", "\n".join(manifest) + "\n")
        yield from sink.drain()


def consultation_url(slug: str) -> str:
    """The consultation's full address, as mails link to it (``SITE_URL``, else the
    request's host); outside a request and without ``SITE_URL`` (the CLI), its path."""
    if site_url(current_app) or has_request_context():
        return absolute_url("consultations.show", slug=slug)
    return f"/c/{slug}"


class _Sink:
    """A write-only, unseekable file: ``zipfile`` then streams with data descriptors."""

    def __init__(self):
        self.chunks: list[bytes] = []
        self.position = 0

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def drain(self) -> Iterator[bytes]:
        chunks, self.chunks = self.chunks, []
        yield from chunks


def write_polis_folder(consultation: Consultation, folder: str | Path) -> list[str]:
    """Write the Polis files of the latest analysis (or of all votes, if none) to ``folder``."""
    from consult.reports.snapshots import latest_ok

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    export = Export(consultation, latest_ok(consultation.id))
    for name in (*POLIS_FILES, ATTRIBUTES_FILE):
        with (target / name).open("w", encoding="utf-8", newline="") as handle:
            for chunk in export.stream(name):
                handle.write(chunk)
    return [*POLIS_FILES, ATTRIBUTES_FILE]
