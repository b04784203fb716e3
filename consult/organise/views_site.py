"""The site admin's page of site organisers: the accounts that may start consultations
(consult.organise.site_organisers), given and taken away by email like verifiers."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.auth import site_roles
from consult.auth.permissions import login_required
from consult.errors import DomainError
from consult.organise.blueprint import blueprint
from consult.organise.forms import SiteOrganiserForm
from consult.organise.site_organisers import ORGANISER
from consult.web import add_form_error

INVALID = 422


def _organisers_page(form, status=200):
    return render_template(
        "organise/site_organisers.html", organisers=site_roles.holders(ORGANISER), form=form
    ), status


@blueprint.route("/admin/organisers", methods=["GET", "POST"], endpoint="site_organisers")
@login_required(admin=True)
def site_organisers_page():
    form = SiteOrganiserForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        return _organisers_page(form)
    if form.validate():
        try:
            member = site_roles.set_role(ORGANISER, current_user, form.email.data, grant=True)
        except DomainError as error:
            if error.status == 403:
                raise
            add_form_error(form, error)
        else:
            flash(_("%(name)s may now start consultations.", name=member.display_name), "success")
            return redirect(url_for(".site_organisers"))
    return _organisers_page(form, INVALID)


@blueprint.post("/admin/organisers/<int:user_id>/remove")
@login_required(admin=True)
def remove_site_organiser(user_id: int):
    member = site_roles.remove(ORGANISER, current_user, user_id)
    flash(_("%(name)s may no longer start consultations.", name=member.display_name), "success")
    return redirect(url_for(".site_organisers"))
