"""The site admin's page of institutions that people can sign in with."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.auth.permissions import login_required
from consult.errors import DomainError
from consult.sso import providers
from consult.sso.forms import ProviderForm, SwitchForm
from consult.sso.views import callback_url
from consult.web import add_form_error

blueprint = Blueprint("sso_admin", __name__)

INVALID = 422


def _settings(form: ProviderForm) -> providers.ProviderSettings:
    return providers.ProviderSettings(
        name=form.name.data,
        issuer=form.issuer.data,
        client_id=form.client_id.data,
        client_secret=form.client_secret.data,
        domains=form.domains.data,
        vouches_for_organisation=form.vouches_for_organisation.data,
        enabled=form.enabled.data,
    )


def _list_page(form, status=200):
    return render_template(
        "sso/admin.html",
        providers=providers.providers_for_admin(current_user),
        form=form,
        callback=callback_url(),
    ), status


@blueprint.route("/admin/sso", methods=["GET", "POST"])
@login_required(admin=True)
def index():
    if request.method == "GET":
        return _list_page(ProviderForm(formdata=None))
    form = ProviderForm()
    if form.validate():
        try:
            provider = providers.create_provider(current_user, _settings(form))
        except DomainError as error:
            if error.field is None:
                raise
            add_form_error(form, error)
        else:
            if provider.enabled:
                flash(_("People can sign in with %(name)s now.", name=provider.name), "success")
            else:
                flash(_("%(name)s is saved, switched off.", name=provider.name), "success")
            return redirect(url_for(".index"))
    return _list_page(form, INVALID)


@blueprint.route("/admin/sso/<int:provider_id>", methods=["GET", "POST"])
@login_required(admin=True)
def edit(provider_id: int):
    provider = providers.provider_for_admin(current_user, provider_id)
    if request.method == "GET":
        form = ProviderForm(formdata=None, obj=provider)
        form.domains.data = "\n".join(provider.domains)
        return render_template(
            "sso/edit.html", form=form, provider=provider, callback=callback_url()
        )
    form = ProviderForm()
    if form.validate():
        try:
            providers.update_provider(current_user, provider_id, _settings(form))
        except DomainError as error:
            if error.field is None:
                raise
            add_form_error(form, error)
        else:
            flash(_("The settings of %(name)s are saved.", name=form.name.data), "success")
            return redirect(url_for(".index"))
    return render_template(
        "sso/edit.html", form=form, provider=provider, callback=callback_url()
    ), INVALID


@blueprint.post("/admin/sso/<int:provider_id>/enabled")
@login_required(admin=True)
def switch(provider_id: int):
    form = SwitchForm()
    if not form.validate():
        raise DomainError(_("Choose on or off."))
    provider = providers.set_enabled(current_user, provider_id, form.enabled.data == "1")
    if provider.enabled:
        flash(_("People can sign in with %(name)s again.", name=provider.name), "success")
    else:
        flash(
            _("Signing in with %(name)s is switched off; its people's accounts stay.",
              name=provider.name),
            "info",
        )  # fmt: skip
    return redirect(url_for(".index"))
