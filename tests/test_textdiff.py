from hypothesis import given
from hypothesis import strategies as st

from consult.textdiff import diff, fold_typography, has_changes, tokenize


def rebuild(pieces, side):
    keep = {"old": ("equal", "delete"), "new": ("equal", "insert")}[side]
    return "".join(p.text for p in pieces if p.op in keep)


def test_english_differs_by_whole_words():
    pieces = diff("States should respect sovereignty.", "States must respect national sovereignty.")
    changed = [(p.op, p.text) for p in pieces if p.op != "equal"]
    assert ("delete", "should") in changed and ("insert", "must") in changed
    assert ("insert", "national ") in changed or ("insert", " national") in changed


def test_chinese_differs_by_character():
    pieces = diff("各国应尊重他国主权", "各国必须尊重他国主权", language="zh")
    changed = [(p.op, p.text) for p in pieces if p.op != "equal"]
    assert changed == [("delete", "应"), ("insert", "必须")]


def test_language_is_detected_when_not_given():
    assert tokenize("人工智能") == ["人", "工", "智", "能"]
    assert tokenize("don't stop") == ["don't", " ", "stop"]


def test_identical_text_has_no_changes():
    assert not has_changes(diff("same words", "same words"))


@given(st.text(max_size=60), st.text(max_size=60), st.sampled_from(["en", "zh", None]))
def test_diff_rebuilds_both_texts(old, new, language):
    exact = diff(old, new, language, fold_variants=False)
    assert rebuild(exact, "old") == old
    assert rebuild(exact, "new") == new
    # Folded, the equal pieces are shown as the new text has them.
    folded = diff(old, new, language)
    assert fold_typography(rebuild(folded, "old")) == fold_typography(old)
    assert rebuild(folded, "new") == new


def test_a_keyboard_apostrophe_against_a_typographic_one_changes_nothing():
    clause = "Le développement d’intelligence artificielle l’exige, dit « l’ONU »."
    typed = "Le développement d'intelligence artificielle l'exige, dit « l'ONU »."
    pieces = diff(clause, typed, "fr")
    assert not has_changes(pieces)
    assert rebuild(pieces, "new") == typed  # shown as typed


def test_only_the_real_change_shows_beside_a_change_of_quote_style():
    clause = "States “should” respect each other’s sovereignty."
    typed = 'States "must" respect each other\'s sovereignty.'
    changed = [(p.op, p.text) for p in diff(clause, typed, "en") if p.op != "equal"]
    assert changed == [("delete", "should"), ("insert", "must")]


def test_guillemets_are_not_folded_into_straight_quotes():
    assert has_changes(diff("« oui »", '" oui "', "fr"))


def test_exact_comparison_still_sees_the_apostrophe():
    assert has_changes(diff("d’intelligence", "d'intelligence", "fr", fold_variants=False))


_VARIANTS = {"'": "’‘", '"': "“”", " ": "\u00a0\u202f"}
_plain = st.text(alphabet=st.sampled_from("ab é'\" ,."), max_size=40)


@given(_plain, st.data(), st.sampled_from(["en", "fr", "zh", None]))
def test_a_change_of_typographic_style_alone_deletes_nothing(text, data, language):
    restyled = "".join(
        data.draw(st.sampled_from(c + _VARIANTS[c])) if c in _VARIANTS else c for c in text
    )
    pieces = diff(text, restyled, language)
    assert [p for p in pieces if p.op != "equal"] == []
    assert rebuild(pieces, "new") == restyled
