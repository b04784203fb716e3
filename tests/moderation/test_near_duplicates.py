"""Near-duplicate suggestions: the measure on hand-labelled pairs in five languages, its
invariants, and pending repeats suggested (and marked) against the earlier pending one."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consult.errors import DomainError
from consult.moderation import services
from consult.moderation.duplicates import THRESHOLD, grams, normalise, similarity
from consult.participation.models import ModerationState
from tests.conftest import post_form

QUEUE = "/c/test-consultation/moderate"
PAIRS = json.loads(
    (Path(__file__).parent / "data" / "near_duplicate_pairs.json").read_text(encoding="utf-8")
)["pairs"]


def test_the_labelled_set_covers_five_languages_both_ways():
    kinds = {(p["language"], p["label"]) for p in PAIRS}
    languages = ("en", "zh", "fr", "ar", "ru")
    assert kinds == {(lang, label) for lang in languages for label in ("paraphrase", "unrelated")}


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p['language']}-{p['label']}-{p['b'][:12]}")
def test_paraphrases_are_suggested_and_unrelated_statements_are_not(pair):
    score = similarity(pair["a"], pair["b"])
    if pair["label"] == "paraphrase":
        assert score >= THRESHOLD, f"missed paraphrase ({score:.2f})"
    else:
        assert score < THRESHOLD, f"unrelated statement suggested ({score:.2f})"


def test_the_audited_chinese_paraphrase_is_found_and_trigrams_would_miss_it():
    a, b = "数字身份必须自愿，不能强制。", "数字身份必须是自愿的，不得强制。"
    assert similarity(a, b) >= THRESHOLD
    trigrams = [{t[i : i + 3] for i in range(len(t) - 2)} for t in map(normalise, (a, b))]
    jaccard = len(trigrams[0] & trigrams[1]) / len(trigrams[0] | trigrams[1])
    assert jaccard < 0.3  # what the earlier measure saw


def test_grams_per_script_without_punctuation_case_or_accents():
    assert normalise("Share, the DATA!") == "sharethedata"
    assert normalise("Évaluation publiée") == normalise("evaluation PUBLIEE")
    assert grams("数据共享") == {"数据", "据共", "共享"}
    assert grams("ab") == {"ab"} and grams("!!") == set()
    assert grams("数据ID共享") == {"数据", "id", "共享"}  # each script run on its own
    assert grams("한국어") == {"한국", "국어"}
    assert similarity("应当公开评估结果。", "应当公开评估结果") == 1.0
    assert similarity("应当公开评估结果", "我们需要更多资金") == 0.0
    assert similarity("Publish every evaluation", "Fund more research") < 0.2


texts = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs", "M")), max_size=60
)


@settings(max_examples=200, deadline=None)
@given(texts, texts)
def test_similarity_is_symmetric_bounded_and_one_for_the_same_text(a, b):
    score = similarity(a, b)
    assert 0.0 <= score <= 1.0
    assert score == similarity(b, a)
    if grams(a):  # a text with at least one letter or digit
        assert similarity(a, a) == 1.0
        assert similarity(a, a + "!") == 1.0


def test_a_pending_repeat_is_suggested_against_the_earlier_pending_one(
    client, team, contribute, login, reload
):
    c = team.consultation
    first = contribute.statement(c, "数字身份必须自愿，不能强制。")
    later = contribute.statement(c, "数字身份必须是自愿的，不得强制。")
    unrelated = contribute.statement(c, "数字身份应当由独立机构管理。")
    approved = contribute.statement(
        c, "Digital identity must be voluntary, not compulsory.",
        moderation_state=ModerationState.APPROVED,
    )  # fmt: skip
    english = contribute.statement(c, "Digital identity has to be voluntary and never compulsory.")
    login(team.moderator)
    html = client.get(QUEUE).get_data(as_text=True)

    def suggested(statement):
        start = html.index(f'id="item-statement-{statement.id}"')
        end = html.find('id="item-', start + 10)
        item = html[start : end if end > 0 else len(html)]
        return {int(n) for n in _values(item, 'name="duplicate_of" value="')}, item

    numbers, item = suggested(later)
    assert numbers == {first.number}
    assert "also waiting for moderation" in item
    assert suggested(first)[0] == set()  # the earlier one does not name the later one
    assert suggested(unrelated)[0] == set()
    numbers, item = suggested(english)
    assert numbers == {approved.number} and "also waiting for moderation" not in item
    done = post_form(
        client, f"{QUEUE}/statements/{later.id}",
        {"action": "duplicate", "seen_state": "pending", "duplicate_of": str(first.number)},
        page=QUEUE, headers={"HX-Request": "true"},
    )  # fmt: skip
    assert done.status_code == 200
    assert reload(later).duplicate_of_id == first.id
    assert reload(later).moderation_state is ModerationState.REJECTED
    assert reload(first).moderation_state is ModerationState.PENDING


def _values(html, prefix):
    found, start = [], html.find(prefix)
    while start >= 0:
        start += len(prefix)
        found.append(html[start : html.index('"', start)])
        start = html.find(prefix, start)
    return found


def test_a_duplicate_may_name_a_pending_statement_but_not_a_rejected_one(team, contribute):
    c = team.consultation
    pending = contribute.statement(c, "Open the data.")
    rejected = contribute.statement(c, "Open it all.", moderation_state=ModerationState.REJECTED)
    one, two = contribute.statement(c, "Open the data!"), contribute.statement(c, "Open it all!")
    services.moderate(team.moderator, c, "statement", one.id, "duplicate", "pending", None,
                      pending.number)  # fmt: skip
    assert one.duplicate_of_id == pending.id
    with pytest.raises(DomainError) as refused:
        services.moderate(team.moderator, c, "statement", two.id, "duplicate", "pending", None,
                          rejected.number)  # fmt: skip
    assert refused.value.field == "duplicate_of" and "rejected" in refused.value.message
    # and so two statements cannot be marked duplicates of each other
    with pytest.raises(DomainError):
        services.moderate(team.moderator, c, "statement", pending.id, "duplicate", "pending", None,
                          one.number)  # fmt: skip
