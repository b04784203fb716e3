from hypothesis import given
from hypothesis import strategies as st

from consult.textdiff import diff, has_changes, tokenize


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
    pieces = diff(old, new, language)
    assert rebuild(pieces, "old") == old
    assert rebuild(pieces, "new") == new
