"""Single sign-on with institutions' OpenID Connect providers (issue 15).

- :mod:`~consult.sso.models`: the providers the admin registers, and linked identities.
- :mod:`~consult.sso.providers`: the admin's use cases (admin only, checked there).
- :mod:`~consult.sso.oidc`: the protocol (discovery, code flow with PKCE, ID token checks).
- :mod:`~consult.sso.signin`: from a provider's answer to an account (linking, vouching).
- :mod:`~consult.sso.sealing`: client secrets encrypted at rest.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the single sign-on routes and the login page's helpers on ``app``."""
    from consult.sso import models  # noqa: F401  (in the metadata before any query)
    from consult.sso.admin_views import blueprint as admin_blueprint
    from consult.sso.providers import sign_in_choices
    from consult.sso.signup import vouching_institution
    from consult.sso.views import blueprint

    app.register_blueprint(blueprint)
    app.register_blueprint(admin_blueprint)
    app.jinja_env.globals.update(
        sso_sign_in_choices=sign_in_choices, sso_vouching_institution=vouching_institution
    )
