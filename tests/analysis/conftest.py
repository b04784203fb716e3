"""Fixtures for the analysis engine's tests: no app, no database."""

from __future__ import annotations

from pathlib import Path

import pytest

POLIS_ROOT = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "polis"
CONVERSATIONS = (
    "15-per-hour-seattle",
    "brexit-consensus",
    "canadian-electoral-reform",
    "london.youth.policing",
    "scoop-hivemind.biodiversity",
    "scoop-hivemind.ubi",
    "vtaiwan.uberx",
)


@pytest.fixture(scope="session")
def polis_root() -> Path:
    """The real Polis exports (../shared/data/polis); a loud skip when they are absent."""
    missing = [c for c in CONVERSATIONS if not (POLIS_ROOT / c / "comments.csv").is_file()]
    if missing:
        pytest.skip(
            f"Polis exports not found at {POLIS_ROOT}: missing {', '.join(missing)} "
            "(the golden tests need ../shared/data/polis beside the repository)"
        )
    return POLIS_ROOT
