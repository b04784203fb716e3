"""Enums carry their display label: stored values unchanged, labels translated when shown."""

import pytest
from flask_babel import force_locale

from consult.auth.models import Sector, Verification
from consult.consultations.models import ModerationMode, Role
from consult.moderation.models import Outcome
from consult.participation.labels import stance_label, vote_label
from consult.participation.models import ModerationState, Stance, VoteValue

LABELLED = (Sector, Verification, ModerationMode, Role, ModerationState, Stance, VoteValue, Outcome)


def test_stored_values_are_what_the_database_holds():
    # The label lives beside the value; the value (what the schema's CHECK allows) is unchanged.
    assert [s.value for s in Sector][:2] == ["government", "intergovernmental"]
    assert Outcome("adopted_in_part") is Outcome.ADOPTED_IN_PART
    assert VoteValue(-1) is VoteValue.DISAGREE and VoteValue.DISAGREE == -1
    assert ModerationState["META"].value == "meta"


@pytest.mark.parametrize("enum_cls", LABELLED, ids=lambda cls: cls.__name__)
def test_every_member_has_its_own_label_in_english_and_chinese(app, enum_cls):
    with app.test_request_context():
        with force_locale("en"):
            english = [str(member.label) for member in enum_cls]
        with force_locale("zh"):
            chinese = [str(member.label) for member in enum_cls]
    assert all(english) and len(set(english)) == len(english)
    assert len(set(chinese)) == len(chinese)
    untranslated = [e for e, z in zip(english, chinese, strict=True) if e == z]
    assert not untranslated, f"{enum_cls.__name__}: no Chinese for {untranslated}"


def test_template_helpers_read_the_enum_labels(app):
    with app.test_request_context(), force_locale("en"):
        assert vote_label(1) == "agree" and vote_label(None) == ""
        assert stance_label("amend") == "Suggests a change" and stance_label(None) == ""
        assert stance_label(Stance.OPPOSE) == "Opposes"
        assert str(Outcome.ADOPTED_IN_PART.label) == "Adopted in part"
