"""Site organisers: accounts the site admin lets start consultations of their own (a
ministry's new lead, say), without first being made organiser of one.

A site role like the verifiers' (consult.auth.site_roles): given from /admin/organisers or
by ``flask grant-organiser``, audited, and only to a confirmed address.
"""

from __future__ import annotations

from flask_babel import gettext as _

from consult.auth.site_roles import SiteRole

ORGANISER = SiteRole(
    flag="is_organiser",
    granted="grant_organiser",
    revoked="revoke_organiser",
    already=lambda: _("This person is already a site organiser."),
    not_held=lambda: _("This person is not a site organiser."),
    no_account=lambda: _(
        "No account uses this email yet. Ask them to register with it and confirm "
        "it, then give them the role here. (To bring them into one consultation "
        "now, invite the address from that consultation's team page.)"
    ),
)
