"""``flask import-polis``: the address is checked like the web form's, before the export
is read; ids up to the bound keep their values (issue 12, item 8)."""

from __future__ import annotations

import pytest

from tests.security.polis_files import (
    ORGANISER,
    VOTES_ONLY,
    add_row,
    assert_refused,
    counts,
    run_import,
    write_valid_export,
)


@pytest.fixture
def importer(make_user):
    return make_user(ORGANISER)


@pytest.mark.parametrize(
    "slug",
    ["Bad Slug/../<script>", "../etc", "x", "-edge-", "a" * 81, "ab\ncd", "café", "new\x00s", ""],
)
def test_a_bad_slug_is_refused_before_the_export_is_read(
    slug, runner, tmp_path, importer, row_count
):
    empty = tmp_path / "not-an-export"
    empty.mkdir()  # were it read, the message would be about its missing files
    before = counts(row_count)
    result = run_import(runner, empty, "--slug", slug)
    assert_refused(result, "lower-case letters, digits and hyphens")
    assert counts(row_count) == before


def test_the_slug_rule_is_the_web_forms(app):
    from consult.errors import DomainError
    from consult.organise import services

    assert services.checked_slug("  Transport-2026 ") == "transport-2026"
    with pytest.raises(DomainError) as refused:
        services.checked_slug("Bad Slug/../<script>")
    assert refused.value.field == "slug"


def test_a_taken_slug_is_refused_before_the_export_is_read(runner, tmp_path, importer, row_count):
    folder = write_valid_export(tmp_path / "export")
    assert run_import(runner, folder, "--slug", "transport").exit_code == 0
    empty = tmp_path / "not-an-export"
    empty.mkdir()
    before = counts(row_count)
    assert_refused(run_import(runner, empty, "--slug", "Transport"), "already")
    assert_refused(run_import(runner, folder, "--slug", "transport"), "already")
    assert counts(row_count) == before


def test_ids_keep_their_values_up_to_the_bound(runner, tmp_path, importer, db):
    """Ids up to 2^31 - 1 are stored as they are: no wrap-around merges two voters."""
    from consult.consultations.models import Participant
    from consult.participation.models import Statement, Vote

    top = str(2**31 - 1)
    folder = write_valid_export(tmp_path / "export")
    add_row("comments.csv", f"1658934800000,x,{top},{top},0,0,1,The last id")(folder)
    add_row("votes.csv", f"1658934800001,x,{top},{top},1")(folder)
    add_row("votes.csv", f"1658934800002,x,{top},{2**31 - 2},-1")(folder)
    VOTES_ONLY(folder)
    result = run_import(runner, folder, "--slug", "edge")
    assert result.exit_code == 0, result.output
    assert "4 statements, 5 participants who voted, 8 votes" in result.output
    keys = set(db.session.scalars(db.select(Participant.anonymous_key)))
    assert {f"polis:edge:{top}", f"polis:edge:{2**31 - 2}"} <= keys
    last = db.session.scalar(db.select(Statement).filter_by(number=2**31 - 1))
    assert last.external_id == 2**31 - 1 and last.text == "The last id"
    assert db.session.scalar(db.select(db.func.count()).select_from(Vote)) == 8
