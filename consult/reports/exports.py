"""Data exports: the Polis CSV files, the full analysis as JSON, and a reproducible ZIP.

Everything streams: each export is a generator of text or bytes that reads the database
in batches. A ZIP holds the Polis files, the analysis, the parameters and seed, the
Consult version and a SHA-256 manifest of every file in it.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

from flask_babel import gettext as _

import consult
from consult.consultations.models import Consultation
from consult.errors import NotFound
from consult.i18n import localized
from consult.reports import polis_csv
from consult.reports.labels import statement_infos
from consult.reports.models import AnalysisSnapshot

POLIS_FILES = (
    "summary.csv",
    "comments.csv",
    "votes.csv",
    "participants-votes.csv",
    "comment-groups.csv",
)
EXPORTS = (*POLIS_FILES, "analysis.json", "bundle.zip")
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json", "zip": "application/zip"}


def media_type(name: str) -> str:
    return MEDIA[name.rsplit(".", 1)[1]]


class Export:
    """One consultation's exports, as of ``snapshot`` (its votes and statements) or now."""

    def __init__(self, consultation: Consultation, snapshot: AnalysisSnapshot | None):
        self.consultation = consultation
        self.snapshot = snapshot
        result = (snapshot.result if snapshot else None) or {}
        self.result = result
        self.up_to = snapshot.last_vote_event_id if snapshot else None
        self.numbering = polis_csv.Numbering(consultation.id, result.get("statements"))
        participants = result.get("participants") or {}
        self.groups = dict(
            zip(participants.get("ids", []), participants.get("groups", []), strict=True)
        )
        infos = statement_infos(consultation.id, "en")
        self.texts = {sid: info.text for sid, info in infos.items()}

    def stream(self, name: str) -> Iterator:
        if name not in EXPORTS:
            raise NotFound(_("There is no export of that name."))
        if name == "bundle.zip":
            return self.bundle()
        if name == "analysis.json":
            return iter([json.dumps(self.analysis(), ensure_ascii=False, indent=1)])
        return getattr(self, name.removesuffix(".csv").replace("-", "_"))()

    def _totals(self) -> dict[int, tuple[int, int]]:
        totals = self.result.get("totals") or {}
        ids = self.result.get("statements") or []
        return {s: (totals["agree"][j], totals["disagree"][j]) for j, s in enumerate(ids) if totals}

    def summary(self):
        result, c = self.result, self.consultation
        sizes = result.get("sizes") or {}
        rows = [
            ["topic", localized(c.title, "en")],
            ["url", f"/c/{c.slug}"],
            ["views", len(self.numbering.participants)],
            ["voters", sizes.get("participants", "")],
            ["voters-in-conv", sizes.get("clustered", "")],
            ["commenters", ""],
            ["comments", len(self.numbering.comment_id)],
            ["groups", result.get("k", "")],
            ["conversation-description", localized(c.summary, "en")],
        ]
        buffer = polis_csv.rows_to_csv(rows[0], rows[1:])
        return buffer

    def comments(self):
        return polis_csv.comments_csv(
            self.consultation.id, self.numbering, self.texts, self._totals()
        )

    def votes(self):
        return polis_csv.votes_csv(self.consultation.id, self.numbering, self.up_to)

    def participants_votes(self):
        return polis_csv.participants_votes_csv(
            self.consultation.id, self.numbering, self.up_to, self.groups
        )

    def comment_groups(self):
        tallies = self.result.get("tallies") or {}
        totals = self.result.get("totals") or {}
        group_ids = tallies.get("group_ids") or []
        header = ["comment-id", "comment", "total-votes", "total-agrees", "total-disagrees"]
        header.append("total-passes")
        for g in group_ids:
            letter = chr(ord("a") + g)
            header += [f"group-{letter}-{k}" for k in ("votes", "agrees", "disagrees", "passes")]

        def rows():
            for j, s in enumerate(self.result.get("statements") or []):
                if s not in self.numbering.comment_id:
                    continue
                a, d, n = totals["agree"][j], totals["disagree"][j], totals["seen"][j]
                row = [self.numbering.comment_id[s], self.texts.get(s, ""), n, a, d, n - a - d]
                for gi in range(len(group_ids)):
                    ga, gd = tallies["agree"][gi][j], tallies["disagree"][gi][j]
                    gn = tallies["seen"][gi][j]
                    row += [gn, ga, gd, gn - ga - gd]
                yield row

        return polis_csv.rows_to_csv(header, rows())

    def parameters(self) -> dict:
        snap = self.snapshot
        return {
            "consultation": self.consultation.slug,
            "consult_version": consult.__version__,
            "snapshot_id": snap.id if snap else None,
            "computed_at": snap.created_at.isoformat() if snap else None,
            "last_vote_event_id": self.up_to,
            "parameters": snap.parameters if snap else None,
            "reproduce": "python -m consult.analysis . --json --seed "
            + str((snap.parameters or {}).get("random_state", 0) if snap else 0),
        }

    def analysis(self) -> dict:
        """The snapshot, with participants numbered as in the CSV files."""
        result = dict(self.result)
        if "participants" in result:
            people = dict(result["participants"])
            people["ids"] = self.numbering.participant_many(people["ids"]).tolist()
            result["participants"] = people
        result.pop("state", None)
        result["statement_comment_ids"] = [
            self.numbering.comment_id.get(s) for s in result.get("statements", [])
        ]
        return {**self.parameters(), "result": result}

    def bundle(self) -> Iterator[bytes]:
        """A ZIP, written as it streams, ending with ``MANIFEST.sha256``."""
        sink = _Sink()
        manifest = []
        with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            members = [*POLIS_FILES, "analysis.json"]
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
    for name in POLIS_FILES:
        with (target / name).open("w", encoding="utf-8", newline="") as handle:
            for chunk in export.stream(name):
                handle.write(chunk)
    return list(POLIS_FILES)
