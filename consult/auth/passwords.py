"""Password policy: 10 to 128 characters, and not easy to guess (zxcvbn score 3 or more,
counting the account's own email and name as words an attacker would try first)."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

from consult.errors import DomainError

PASSWORD_MIN = 10
PASSWORD_MAX = 128
MIN_SCORE = 3  # zxcvbn: "safely unguessable: moderate protection from offline attacks"
# zxcvbn's matching grows fast with length; a long password's strength shows in its start.
_SCORED_PREFIX = 64

# zxcvbn's warnings, in our catalogue so they are translated like every other message.
_WARNINGS = {
    "Straight rows of keys are easy to guess.": _l("Straight rows of keys are easy to guess."),
    "Short keyboard patterns are easy to guess.": _l("Short keyboard patterns are easy to guess."),
    'Repeats like "aaa" are easy to guess.': _l('Repeats like "aaa" are easy to guess.'),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': _l(
        'Repeats like "abcabcabc" are only slightly harder to guess than "abc".'
    ),
    'Sequences like "abc" or "6543" are easy to guess.': _l(
        'Sequences like "abc" or "6543" are easy to guess.'
    ),
    "Recent years are easy to guess.": _l("Recent years are easy to guess."),
    "Dates are often easy to guess.": _l("Dates are often easy to guess."),
    "This is a top-10 common password.": _l("This is a very common password."),
    "This is a top-100 common password.": _l("This is a very common password."),
    "This is a very common password.": _l("This is a very common password."),
    "This is similar to a commonly used password.": _l(
        "This is similar to a commonly used password."
    ),
    "A word by itself is easy to guess.": _l("A word by itself is easy to guess."),
    "Names and surnames by themselves are easy to guess.": _l(
        "Names and surnames by themselves are easy to guess."
    ),
    "Common names and surnames are easy to guess.": _l(
        "Common names and surnames are easy to guess."
    ),
}


def _personal_words(email: str, display_name: str) -> list[str]:
    """The email, its parts and the name's words: what an attacker who knows the account
    tries first."""
    words = [email, display_name, *re.split(r"[@.\s_+-]+", f"{email} {display_name}")]
    return [word for word in words if len(word) >= 3]


def check_password(password: str, *, email: str, display_name: str, field: str) -> None:
    """Raise DomainError on ``field`` unless ``password`` is long enough and hard to guess;
    the message says why."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        message = _(
            "Use a password of %(min)d to %(max)d characters.", min=PASSWORD_MIN, max=PASSWORD_MAX
        )
        raise DomainError(message, field=field)
    result = zxcvbn(password[:_SCORED_PREFIX], user_inputs=_personal_words(email, display_name))
    if result["score"] >= MIN_SCORE:
        return
    if result["password"].lower() in (word.lower() for word in (email, display_name)):
        reason = _("It is your email or your name.")
    else:
        warning = result["feedback"].get("warning") or ""
        reason = str(_WARNINGS.get(warning, _("It would be easy to guess.")))
    message = _(
        "Choose a password that is harder to guess. %(reason)s A few uncommon words together "
        "make a strong password that is easy to remember.",
        reason=reason,
    )
    raise DomainError(message, field=field)
