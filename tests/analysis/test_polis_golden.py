"""The seven real Polis conversations (../shared/data/polis) against Polis's own groups.

No figure here is fitted to these conversations: the engine's choices are Polis's rules
or departures justified in :mod:`consult.analysis.clustering` and
:mod:`consult.analysis.structure`, whose in-sample and leave-one-out figures
``benchmarks/polis_validation.py`` prints. These tests check what must hold on any real
conversation, and compare with Polis's rules run the same way rather than with a number.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from consult.analysis import analyse, load_export
from consult.analysis.clustering import MAX_GROUPS, min_group_size
from consult.analysis.structure import ALPHA, Rules

from .conftest import CONVERSATIONS


def ari(export, result) -> float:
    both = (result.group_labels >= 0) & (export.polis_groups >= 0)
    return adjusted_rand_score(export.polis_groups[both], result.group_labels[both])


@pytest.fixture(scope="module")
def runs(polis_root):
    out = {}
    for name in CONVERSATIONS:
        export = load_export(polis_root / name)
        ours = analyse(export.votes, export.flags, random_state=0, beyond=False)
        polis = analyse(export.votes, export.flags, beyond=False, rules=Rules.polis())
        out[name] = (export, ours, polis)
    return out


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_groups_are_well_formed(runs, name):
    _, result, _ = runs[name]
    p = result.structure_p_value
    assert p is None or 0.0 < p <= 1.0
    assert result.unimodal == (result.k == 1)
    if p is not None:
        assert (result.k == 1) == (p > ALPHA)
    assert 1 <= result.k <= MAX_GROUPS
    floor = min_group_size(result.sizes["clustered"])
    assert result.k == 1 or all(g.size >= floor for g in result.groups)


def test_structure_is_found_where_many_were_clustered(runs):
    # Every conversation here was contentious enough for Polis to show groups; with 100 or
    # more clustered participants the test has the power to agree.
    for name, (_, result, _) in runs.items():
        if result.sizes["clustered"] >= 100:
            assert result.structure_p_value <= ALPHA and result.k >= 2, name


def test_closer_to_polis_than_polis_rules_in_one_run(runs):
    ours = [ari(export, result) for export, result, _ in runs.values()]
    rules = [ari(export, polis) for export, _, polis in runs.values()]
    assert np.median(ours) >= np.median(rules)
    # The level measured on real conversations outside this set (issue 10: about 0.5 for
    # the engine before this change, 0.58 for red-dwarf) is the floor, not these seven.
    assert np.median(ours) >= 0.5


def test_participants_votes_source_gives_the_same_groups(polis_root):
    name = "brexit-consensus"
    a = load_export(polis_root / name, "votes")
    b = load_export(polis_root / name, "participants-votes")
    ra = analyse(a.votes, a.flags, beyond=False)
    rb = analyse(b.votes, b.flags, beyond=False)
    assert np.array_equal(ra.group_labels, rb.group_labels)
    assert ra.structure_p_value == rb.structure_p_value
