"""Signing in with an institution: from the provider's answer to an account.

An identity (provider, subject) already linked signs in to its account, whatever address
the provider gives now. Otherwise the address decides: an account whose address is
confirmed is linked; an account whose address is not confirmed is never linked (its owner
confirms it, or logs in with the password, first); with no account, the person is asked
for the stakeholder profile details still missing and the account is made with the
address confirmed, since the institution vouched for it.

Checks before any of that: the provider is switched on, the answer is this browser's
(state), the ID token is genuine (:mod:`consult.sso.oidc`), the provider says the address
is verified and it is in one of the provider's domains. A refusal changes nothing.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.auth.models import EMAIL_MAX, NAME_MAX, User
from consult.auth.services import find_user_by_email
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.errors import Conflict, DomainError, Forbidden
from consult.extensions import db
from consult.input_guard import has_control_characters
from consult.sso import oidc, sealing
from consult.sso.models import IdentityProvider, LinkedIdentity
from consult.sso.providers import enabled_provider
from consult.verification.services import record_institution_vouch

FLOW_SECONDS = 600  # from leaving for the provider to coming back
CODE_MAX = 2000


@dataclass(frozen=True)
class SignedIn:
    user: User
    institution: str
    linked_now: bool  # this sign-in linked the identity to the account
    vouched_now: bool  # this sign-in made the profile verified by the institution


@dataclass(frozen=True)
class NeedsProfile:
    """No account yet: what the provider vouched for, kept until the profile is filled in."""

    pending: dict
    institution: str
    vouches_for_organisation: bool


def expired() -> DomainError:
    return oidc.UntrustedAnswer(
        _(
            "This sign-in has expired or was started in another browser. Nothing was changed; "
            "start again from the login page."
        )
    )


def begin(provider_id: int, redirect_uri: str, next_url: str) -> tuple[str, dict]:
    """Where to send the browser, and what to keep in its session until it comes back."""
    provider = enabled_provider(provider_id)
    metadata = oidc.discover(provider.issuer)
    flow = oidc.Flow.fresh()
    url = oidc.authorization_url(metadata, provider.client_id, redirect_uri, flow)
    kept = {
        "provider": provider.id,
        "state": flow.state,
        "nonce": flow.nonce,
        "verifier": flow.code_verifier,
        "next": next_url,
        "started": int(time.time()),
    }
    return url, kept


def _flow_of(kept, answer: Mapping[str, str]) -> tuple[int, oidc.Flow]:
    if not isinstance(kept, dict) or not all(
        isinstance(kept.get(key), str) for key in ("state", "nonce", "verifier")
    ):
        raise expired()
    state = answer.get("state") or ""
    if not hmac.compare_digest(state.encode(), kept["state"].encode()):
        raise oidc.UntrustedAnswer(
            _(
                "This answer does not belong to the sign-in this browser started, so nothing "
                "was changed. Start again from the login page."
            )
        )
    started = kept.get("started")
    if not isinstance(started, int) or not 0 <= time.time() - started <= FLOW_SECONDS:
        raise expired()
    if not isinstance(kept.get("provider"), int):
        raise expired()
    return kept["provider"], oidc.Flow(kept["state"], kept["nonce"], kept["verifier"])


def finish(kept, answer: Mapping[str, str], redirect_uri: str) -> SignedIn | NeedsProfile:
    """The provider's answer (the callback's query) checked against what this browser kept
    (``kept``, from :func:`begin`); an account signed in, or the profile still to ask for."""
    provider_id, flow = _flow_of(kept, answer)
    provider = enabled_provider(provider_id)
    if answer.get("error"):
        raise Forbidden(
            _(
                "%(name)s did not sign you in (cancelled or refused). Nothing was changed.",
                name=provider.name,
            )
        )
    code = answer.get("code") or ""
    if not code or len(code) > CODE_MAX:
        raise oidc.UntrustedAnswer(_("The institution's answer holds no sign-in code."))
    metadata = oidc.discover(provider.issuer)
    try:
        secret = sealing.unseal(provider.client_secret_sealed)
    except sealing.SecretUnreadable:
        oidc.log.error("single sign-on: the client secret of %s is unreadable", provider.name)
        raise oidc.ProviderError(
            _(
                "Signing in with %(name)s needs the site's admin to enter its client secret "
                "again. Log in with your password meanwhile.",
                name=provider.name,
            )
        ) from None
    token = oidc.exchange_code(metadata, provider.client_id, secret, redirect_uri, code, flow)
    claims = oidc.verify_id_token(metadata, provider.client_id, token, flow)
    person = {**oidc.userinfo(metadata, token, claims["sub"]), **claims}
    email = _vouched_email(provider, person)
    return _account_for(provider, claims["sub"], email, _display_name(person, email))


def _vouched_email(provider: IdentityProvider, person: dict) -> str:
    email = person.get("email")
    if (
        not isinstance(email, str)
        or "@" not in email
        or len(email) > EMAIL_MAX
        or has_control_characters(email, allow_line_breaks=False)
    ):
        raise Forbidden(
            _("%(name)s did not give an email address, so it cannot sign you in here.",
              name=provider.name)
        )  # fmt: skip
    email = email.strip().lower()
    if person.get("email_verified") not in (True, "true"):
        raise Forbidden(
            _(
                "%(name)s has not verified your email address, so it cannot sign you in here. "
                "Log in with your password instead.",
                name=provider.name,
            )
        )
    if not provider.covers(email):
        raise Forbidden(
            _(
                "%(name)s signs in addresses at %(domains)s only, and %(email)s is not one of "
                "them. Nothing was changed; log in with your password instead.",
                name=provider.name,
                domains=", ".join(provider.domains),
                email=email,
            )
        )
    return email


def _display_name(person: dict, email: str) -> str:
    for key in ("name", "preferred_username"):
        value = person.get(key)
        if isinstance(value, str) and value.strip() and not has_control_characters(value):
            return value.strip()[:NAME_MAX]
    return email.partition("@")[0][:NAME_MAX]


def _inactive() -> Forbidden:
    return Forbidden(_("This account is closed; it cannot sign in."))


def _account_for(provider, subject: str, email: str, name: str) -> SignedIn | NeedsProfile:
    identity = db.session.scalar(
        sa.select(LinkedIdentity).where(
            LinkedIdentity.provider_id == provider.id, LinkedIdentity.subject == subject
        )
    )
    if identity is not None:
        user = identity.user
        if not user.is_active:
            raise _inactive()
        with write_transaction():
            identity.email = email
            vouched = note_sign_in(provider, identity, user)
        return SignedIn(user, provider.name, False, vouched)
    user = find_user_by_email(email)
    if user is None:
        pending = {
            "provider": provider.id,
            "subject": subject,
            "email": email,
            "name": name,
            "started": int(time.time()),
        }
        return NeedsProfile(pending, provider.name, provider.vouches_for_organisation)
    if user.email_confirmed_at is None:
        raise Conflict(
            _(
                "An account uses %(email)s, but its address is not confirmed yet, so it cannot "
                "be linked to %(name)s. Log in with your password and confirm your address "
                "first; then you can sign in with %(name)s.",
                email=email,
                name=provider.name,
            )
        )
    if not user.is_active:
        raise _inactive()
    return _link(provider, subject, email, user)


def _link(provider, subject: str, email: str, user: User) -> SignedIn:
    try:
        with write_transaction():
            identity = LinkedIdentity(
                provider_id=provider.id, subject=subject, user_id=user.id, email=email
            )
            db.session.add(identity)
            vouched = note_sign_in(provider, identity, user)
    except sa.exc.IntegrityError:  # the same identity linked a moment ago in another tab
        raise Conflict(_("This sign-in was just completed elsewhere. Log in again.")) from None
    return SignedIn(user, provider.name, True, vouched)


def note_sign_in(provider: IdentityProvider, identity: LinkedIdentity, user: User) -> bool:
    """Within the caller's transaction: note the sign-in, and let a provider that vouches
    for the organisation say so; whether the profile became verified by it now."""
    now = utcnow()
    identity.last_sign_in_at = user.last_login_at = now
    if not provider.vouches_for_organisation:
        return False
    identity.vouched_at = now
    profile = user.profile
    if profile.is_verified and profile.organisation == provider.name:
        return False  # verified for this organisation already (by it, or by a verifier)
    record_institution_vouch(user, provider.name)
    return True
