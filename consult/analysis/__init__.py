"""Consult's analysis engine: opinion groups and consensus from agree/disagree/pass votes.

Pure numpy / scipy / scikit-learn: importing this package never imports Flask or
SQLAlchemy. Entry point: :func:`analyse`; :func:`load_export` reads a Polis export.
"""

from .clustering import KHistory
from .consensus import Consensus
from .matrix import AGREE, DISAGREE, PASS, ParticipantAttributes, StatementFlags, VoteMatrix
from .pipeline import analyse, cluster_labels
from .polis_io import ExportError, PolisExport, load_export
from .repness import RepStatement
from .result import AnalysisResult, AnalysisState, Group
from .routing import next_statement
from .tallies import GroupTallies

__all__ = [
    "AGREE",
    "DISAGREE",
    "PASS",
    "AnalysisResult",
    "AnalysisState",
    "Consensus",
    "ExportError",
    "Group",
    "GroupTallies",
    "KHistory",
    "ParticipantAttributes",
    "PolisExport",
    "RepStatement",
    "StatementFlags",
    "VoteMatrix",
    "analyse",
    "cluster_labels",
    "load_export",
    "next_statement",
]
