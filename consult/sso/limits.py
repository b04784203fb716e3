"""Rate limits for the sign-in's two GETs (leaving for the provider, and its answer).

:data:`consult.ratelimits.POLICY` governs writes (POST); these two are GETs, since the
provider sends the browser back with one, so they are counted here, per identity and per
address like a login, in the same shared storage.
"""

from __future__ import annotations

import logging

from flask import current_app
from flask_babel import gettext as _
from limits import parse_many

from consult.ratelimits import RateLimited, WriteLimit, counted_scopes, rate_limits

log = logging.getLogger(__name__)

# Each sign-in is two requests; a hall of one institution's staff shares an address.
SIGN_IN = WriteLimit("sso-sign-in", identity="10/minute", address="120/minute")


def count_sign_in_request() -> None:
    """Count this request; raise RateLimited (a 429 with Retry-After) past the limits."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    limits = rate_limits()
    try:
        for scope, who, spec in counted_scopes(SIGN_IN):
            for item in parse_many(spec):
                retry_after = limits.hit(item, SIGN_IN.bucket, scope, who)
                if retry_after is not None:
                    raise RateLimited(
                        _(
                            "Too many sign-ins. Please wait %(seconds)d seconds and try again.",
                            seconds=retry_after,
                        ),
                        retry_after,
                    )
    except RateLimited:
        raise
    except Exception:  # a storage outage must not take sign-in down with it
        log.exception("rate-limit storage failed; a sign-in was let through")
