"""Drafting pages: the working version, its clauses, publishing, versions and comparison."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.auth.permissions import login_required
from consult.auth.services import has_role
from consult.consultations.models import Role
from consult.consultations.services import current_version, get_visible_consultation
from consult.drafts import compare, languages, promote, publishing, services
from consult.drafts.forms import (
    AuthoritativeForm,
    CsrfOnlyForm,
    PromoteForm,
    PublishForm,
    clause_form,
    preamble_form,
)
from consult.drafts.translations import outdated_since, reader_standing
from consult.errors import DomainError, Forbidden, render_error
from consult.i18n import language_name
from consult.moderation.access import TEAM, team_consultation
from consult.moderation.services import get_item
from consult.web import add_form_error

blueprint = Blueprint("drafts", __name__)
# The badge beside a translated clause, wherever readers see one.
blueprint.add_app_template_global(reader_standing, "translation_standing")
blueprint.add_app_template_global(outdated_since, "translation_outdated_since")

INVALID = 422


def _draft_page(consultation, status=200, publish_form=None, authoritative_form=None):
    working = services.working_version(consultation)
    published = current_version(consultation)
    authoritative_form = authoritative_form or AuthoritativeForm(
        language=consultation.authoritative
    )
    authoritative_form.language.choices = [
        (lang, language_name(lang)) for lang in consultation.languages
    ]
    return (
        render_template(
            "drafts/edit.html",
            consultation=consultation,
            working=working,
            published=published,
            shown=working or published,
            changes=languages.changes_by_clause(published, working, consultation),
            publish_form=publish_form or PublishForm(),
            authoritative_form=authoritative_form,
            is_organiser=has_role(current_user, consultation, Role.ORGANISER),
            button_form=CsrfOnlyForm(),
        ),
        status,
    )


def _flash_out_of_step(consultation, lineage_key: str) -> None:
    """Warn when a clause now differs from its published wording in one language only."""
    working = services.working_version(consultation)
    change = languages.changes_by_clause(current_version(consultation), working, consultation).get(
        lineage_key
    )
    if change is not None and change.out_of_step:
        flash(
            _(
                "The %(changed)s text changed but the %(unchanged)s text did not: check that "
                "the translations still say the same.",
                changed=", ".join(language_name(lang) for lang in change.changed),
                unchanged=", ".join(language_name(lang) for lang in change.unchanged),
            ),
            "warning",
        )


@blueprint.get("/c/<slug>/draft")
@login_required
def edit(slug: str):
    return _draft_page(team_consultation(slug, current_user))


@blueprint.route("/c/<slug>/draft/clauses/new", methods=["GET", "POST"])
@login_required
def new_clause(slug: str):
    consultation = team_consultation(slug, current_user)
    form = clause_form(consultation.languages, authoritative=consultation.authoritative)
    if request.method == "POST":
        if form.validate():
            try:
                services.add_clause(
                    current_user,
                    consultation,
                    form.texts("heading"),
                    form.texts("text"),
                    form.standings(),
                )
            except DomainError as error:
                add_form_error(form, error)
            else:
                flash(_("The clause is added to the working version."), "success")
                return redirect(url_for(".edit", slug=slug))
        return _clause_page(consultation, form, None, INVALID)
    return _clause_page(consultation, form, None)


def _clause_page(consultation, form, clause, status=200):
    return (
        render_template("drafts/clause.html", consultation=consultation, form=form, clause=clause),
        status,
    )


@blueprint.route("/c/<slug>/draft/clauses/<key>", methods=["GET", "POST"])
@login_required
def edit_clause(slug: str, key: str):
    consultation = team_consultation(slug, current_user)
    shown = services.working_version(consultation) or current_version(consultation)
    clause = services.find_clause(shown, key)
    authoritative = consultation.authoritative
    if request.method == "GET":
        form = clause_form(consultation.languages, clause, authoritative)
        return _clause_page(consultation, form, clause)
    form = clause_form(consultation.languages, authoritative=authoritative)
    if form.validate():
        try:
            services.save_clause(
                current_user,
                consultation,
                key,
                form.texts("heading"),
                form.texts("text"),
                ask_voters_again=form.ask_voters_again.data,
                standings=form.standings(),
            )
        except DomainError as error:
            add_form_error(form, error)
        else:
            flash(_("The clause is saved in the working version."), "success")
            _flash_out_of_step(consultation, key)
            return redirect(url_for(".edit", slug=slug) + f"#clause-{key}")
    return _clause_page(consultation, form, clause, INVALID)


@blueprint.post("/c/<slug>/draft/clauses/<key>/remove")
@login_required
def remove_clause(slug: str, key: str):
    consultation = team_consultation(slug, current_user)
    services.remove_clause(current_user, consultation, key)
    flash(_("The clause is removed from the working version."), "success")
    return redirect(url_for(".edit", slug=slug))


@blueprint.route("/c/<slug>/draft/preamble", methods=["GET", "POST"])
@login_required
def edit_preamble(slug: str):
    consultation = team_consultation(slug, current_user)
    shown = services.working_version(consultation) or current_version(consultation)
    status = 200
    if request.method == "GET":
        form = preamble_form(consultation.languages, shown)
    else:
        form = preamble_form(consultation.languages)
        if form.validate():
            try:
                services.save_preamble(current_user, consultation, form.texts())
            except DomainError as error:
                add_form_error(form, error)
            else:
                flash(_("The preamble is saved in the working version."), "success")
                return redirect(url_for(".edit", slug=slug))
        status = INVALID
    return render_template("drafts/preamble.html", consultation=consultation, form=form), status


@blueprint.post("/c/<slug>/draft/authoritative")
@login_required
def set_authoritative(slug: str):
    consultation = team_consultation(slug, current_user)
    form = AuthoritativeForm()  # its CSRF token is checked for every POST; the service
    try:  # checks the role before the language
        languages.set_authoritative_language(current_user, consultation, form.language.data)
    except Forbidden:
        raise
    except DomainError as error:
        add_form_error(form, error)
        return _draft_page(consultation, INVALID, authoritative_form=form)
    flash(
        _(
            "%(language)s is the authoritative language.",
            language=language_name(consultation.authoritative),
        ),
        "success",
    )
    return redirect(url_for(".edit", slug=slug))


@blueprint.route("/c/<slug>/draft/reorder", methods=["GET", "POST"])
@login_required
def reorder(slug: str):
    consultation = team_consultation(slug, current_user)
    shown = services.working_version(consultation) or current_version(consultation)
    form = CsrfOnlyForm()
    error, status, order = None, 200, None
    if request.method == "POST":
        order = request.form.getlist("order")
        try:
            services.reorder_clauses(current_user, consultation, order)
        except DomainError as refused:
            error, status = refused.message, INVALID
        else:
            flash(_("The clauses are in their new order."), "success")
            return redirect(url_for(".edit", slug=slug))
    clauses = shown.clauses if shown else []
    return render_template(
        "drafts/reorder.html",
        consultation=consultation,
        clauses=clauses,
        order=order or [c.lineage_key for c in clauses],
        form=form,
        error=error,
    ), status


@blueprint.post("/c/<slug>/draft/publish")
@login_required
def publish(slug: str):
    consultation = team_consultation(slug, current_user)
    form = PublishForm()
    if form.validate():
        try:
            version = publishing.publish_version(
                current_user, consultation, form.change_summary.data
            )
        except DomainError as error:
            add_form_error(form, error)
        else:
            flash(_("Version %(n)d is published.", n=version.number), "success")
            return redirect(url_for(".edit", slug=slug))
    return _draft_page(consultation, INVALID, publish_form=form)


@blueprint.post("/c/<slug>/draft/discard")
@login_required
def discard(slug: str):
    consultation = team_consultation(slug, current_user)
    services.discard_working_version(current_user, consultation)
    flash(_("The unpublished changes are discarded."), "success")
    return redirect(url_for(".edit", slug=slug))


@blueprint.post("/c/<slug>/draft/promote/<any(statements, comments):plural>/<int:item_id>")
@login_required
def promote_contribution(slug: str, plural: str, item_id: int):
    consultation = team_consultation(slug, current_user)
    form = PromoteForm()
    if not form.validate():
        raise DomainError(_("Your form expired. Please send it again."))
    get_item(consultation, plural[:-1], item_id)  # no such item: 404 before the form's checks
    if not form.into.data:  # no default target: the moderator chooses ("new" or a clause)
        return render_error(
            422, _("Choose where the wording goes: a new clause or the clause it replaces.")
        )
    into = "" if form.into.data == "new" else form.into.data
    clause = promote.promote(
        current_user, consultation, plural[:-1], item_id, form.language.data, into
    )
    flash(_("The wording is in the working version; publish it when ready."), "success")
    _flash_out_of_step(consultation, clause.lineage_key)
    return redirect(url_for(".edit", slug=slug) + f"#clause-{clause.lineage_key}")


@blueprint.get("/c/<slug>/draft/versions")
def versions(slug: str):
    consultation = get_visible_consultation(slug, current_user)
    team = has_role(current_user, consultation, *TEAM)
    listed = services.published_versions(consultation)
    return render_template(
        "drafts/versions.html",
        consultation=consultation,
        versions=listed,
        working=services.working_version(consultation) if team else None,
    )


@blueprint.get("/c/<slug>/draft/compare")
def compare_versions(slug: str):
    consultation = get_visible_consultation(slug, current_user)
    team = has_role(current_user, consultation, *TEAM)
    listed = services.published_versions(consultation)
    default_to = listed[-1].number if listed else 1
    old_number = request.args.get("from", str(max(default_to - 1, 1)))
    new_number = request.args.get("to", str(default_to))
    old = compare.get_version(consultation, old_number, include_working=team)
    new = compare.get_version(consultation, new_number, include_working=team)
    return render_template(
        "drafts/compare.html",
        consultation=consultation,
        old=old,
        new=new,
        versions=listed,
        team=team,
        changes=compare.compare_versions(old, new, consultation.languages),
    )
