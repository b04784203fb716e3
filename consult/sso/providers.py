"""The site admin's institutions: register a provider, change it, switch it on or off.

Only the site admin may do any of this (checked here, not only by the views). Saving
reads the issuer's discovery document first, so a mistyped issuer is caught on the form
rather than at someone's first sign-in. Each change is written to the site's audit log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.auth.models import ORGANISATION_MAX
from consult.auth.site_roles import ensure_admin
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.errors import DomainError, Forbidden, NotFound, checked_text
from consult.extensions import db
from consult.moderation.audit import record_event
from consult.sso import oidc, sealing
from consult.sso.models import CLIENT_ID_MAX, ISSUER_MAX, IdentityProvider

SECRET_MAX = 1000
DOMAINS_MAX = 50
_SEPARATORS = re.compile(r"[\s,;]+")
# Letters, digits and hyphens in dot-separated labels, at least two labels (IDNA-encoded).
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


@dataclass(frozen=True)
class ProviderSettings:
    """What the admin typed; ``client_secret`` empty on a change keeps the stored one."""

    name: str | None
    issuer: str | None
    client_id: str | None
    client_secret: str | None
    domains: str | None
    vouches_for_organisation: bool = False
    enabled: bool = True


def parse_domains(text: str | None) -> list[str]:
    """The email domains in ``text`` (one per line, or separated by commas or spaces),
    lower case and IDNA-encoded, each once; a DomainError on ``domains`` otherwise."""
    domains: list[str] = []
    for word in _SEPARATORS.split((text or "").strip().lower()):
        word = word.removeprefix("@").rstrip(".")
        if not word:
            continue
        try:
            ascii_form = word.encode("idna").decode("ascii")
        except UnicodeError:
            ascii_form = ""
        if not _DOMAIN.match(ascii_form):
            raise DomainError(
                _("“%(domain)s” is not an email domain like ministry.example.", domain=word[:80]),
                field="domains",
            )
        if ascii_form not in domains:
            domains.append(ascii_form)
    if not domains:
        raise DomainError(
            _("List at least one email domain this institution vouches for."), field="domains"
        )
    if len(domains) > DOMAINS_MAX:
        raise DomainError(_("List at most %(n)d domains.", n=DOMAINS_MAX), field="domains")
    return domains


def _checked(settings: ProviderSettings, current: IdentityProvider | None) -> dict:
    name = checked_text(
        settings.name, "name", ORGANISATION_MAX,
        _("Keep the name to %(n)d characters or fewer.", n=ORGANISATION_MAX),
        _("Enter the institution's name."),
    )  # fmt: skip
    issuer = checked_text(
        settings.issuer, "issuer", ISSUER_MAX,
        _("Keep the address to %(n)d characters or fewer.", n=ISSUER_MAX),
        _("Enter the issuer's address."),
    )  # fmt: skip
    if not oidc.usable_url(issuer) or "?" in issuer or "#" in issuer:
        raise DomainError(
            _("Enter the issuer as an https:// address, without ? or #."), field="issuer"
        )
    client_id = checked_text(
        settings.client_id, "client_id", CLIENT_ID_MAX,
        _("Keep the client id to %(n)d characters or fewer.", n=CLIENT_ID_MAX),
        _("Enter the client id the institution gave you."),
    )  # fmt: skip
    secret = (settings.client_secret or "").strip()
    if len(secret) > SECRET_MAX:
        raise DomainError(
            _("Keep the secret to %(n)d characters or fewer.", n=SECRET_MAX), "client_secret"
        )
    if not secret and current is None:
        raise DomainError(_("Enter the client secret the institution gave you."), "client_secret")
    domains = parse_domains(settings.domains)
    same_name = db.session.scalar(
        sa.select(IdentityProvider.id).where(sa.func.lower(IdentityProvider.name) == name.lower())
    )
    if same_name is not None and (current is None or same_name != current.id):
        raise DomainError(_("Another institution has this name."), field="name")
    try:
        oidc.discover(issuer)
    except oidc.ProviderError:
        raise DomainError(
            _(
                "We could not read the discovery document of this issuer "
                "(%(url)s/.well-known/openid-configuration), or it names another issuer. "
                "Check the address.",
                url=issuer.rstrip("/"),
            ),
            field="issuer",
        ) from None
    values = {
        "name": name,
        "issuer": issuer,
        "client_id": client_id,
        "domains": domains,
        "vouches_for_organisation": bool(settings.vouches_for_organisation),
        "enabled": bool(settings.enabled),
    }
    if secret:
        values["client_secret_sealed"] = sealing.seal(secret)
    return values


def create_provider(admin, settings: ProviderSettings) -> IdentityProvider:
    """Register an institution's provider (the admin only)."""
    ensure_admin(admin)
    values = _checked(settings, None)
    provider = IdentityProvider(**values)
    try:
        with write_transaction():
            db.session.add(provider)
            db.session.flush()
            record_event(admin, None, "sso_provider_added", "identity_provider", provider.id,
                         name=provider.name, domains=provider.domains)  # fmt: skip
    except sa.exc.IntegrityError:  # the same name saved twice at once
        raise DomainError(_("Another institution has this name."), field="name") from None
    return provider


def update_provider(admin, provider_id: int, settings: ProviderSettings) -> IdentityProvider:
    """Change a provider's settings; an empty secret keeps the stored one."""
    ensure_admin(admin)
    provider = provider_for_admin(admin, provider_id)
    values = _checked(settings, provider)
    changed = sorted(
        key for key, value in values.items() if getattr(provider, key) != value
    )  # the sealed secret differs on every save, so a new secret counts as a change
    try:
        with write_transaction():
            for key, value in values.items():
                setattr(provider, key, value)
            provider.updated_at = utcnow()
            record_event(admin, None, "sso_provider_changed", "identity_provider", provider.id,
                         name=provider.name,
                         changed=[key.removesuffix("_sealed") for key in changed])  # fmt: skip
    except sa.exc.IntegrityError:
        raise DomainError(_("Another institution has this name."), field="name") from None
    return provider


def set_enabled(admin, provider_id: int, enabled: bool) -> IdentityProvider:
    """Switch a provider's sign-in on or off; off, nobody signs in with it (accounts stay)."""
    ensure_admin(admin)
    provider = provider_for_admin(admin, provider_id)
    if provider.enabled != enabled:
        with write_transaction():
            provider.enabled = enabled
            provider.updated_at = utcnow()
            action = "sso_provider_enabled" if enabled else "sso_provider_disabled"
            record_event(admin, None, action, "identity_provider", provider.id,
                         name=provider.name)  # fmt: skip
    return provider


def provider_for_admin(admin, provider_id: int) -> IdentityProvider:
    ensure_admin(admin)
    provider = db.session.get(IdentityProvider, provider_id)
    if provider is None:
        raise NotFound(_("There is no such institution."))
    return provider


def providers_for_admin(admin) -> list[IdentityProvider]:
    ensure_admin(admin)
    return list(db.session.scalars(sa.select(IdentityProvider).order_by(IdentityProvider.name)))


def sign_in_choices() -> list[IdentityProvider]:
    """The institutions one may sign in with now, by name (for the login page)."""
    query = sa.select(IdentityProvider).where(IdentityProvider.enabled)
    return list(db.session.scalars(query.order_by(IdentityProvider.name)))


def enabled_provider(provider_id: int) -> IdentityProvider:
    """The provider to sign in with; NotFound, or Forbidden while it is switched off."""
    provider = db.session.get(IdentityProvider, provider_id)
    if provider is None:
        raise NotFound(_("There is no such institution to sign in with."))
    if not provider.enabled:
        raise Forbidden(
            _(
                "Signing in with %(name)s is switched off on this site. Log in with your "
                "password, or ask the site's admin.",
                name=provider.name,
            )
        )
    return provider
