"""Command-line tasks: ``flask create-admin``, ``flask seed-demo``, ``flask analyse``,
``flask import-polis``, ``flask export-polis``, ``flask worker``, ``flask grant-verifier``,
``flask grant-organiser``."""

from __future__ import annotations

import click
from flask import Flask

from consult.errors import DomainError


class CommandError(click.ClickException):
    """Bad input to a command: one ``error:`` line on stderr, exit status 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(analyse)
    app.cli.add_command(import_polis)
    app.cli.add_command(export_polis)
    app.cli.add_command(worker)
    app.cli.add_command(grant_verifier)
    app.cli.add_command(grant_organiser)


@click.command("create-admin")
@click.argument("email")
@click.option("--name", help="Display name for a new account.")
@click.option("--country", default="", help="ISO 3166-1 alpha-2 country code for a new account.")
@click.option(
    "--password",
    envvar="CONSULT_ADMIN_PASSWORD",
    help="Password for a new account (prompted for if not given; never needed to promote).",
)
def create_admin(email: str, name: str | None, country: str, password: str | None) -> None:
    """Make EMAIL a site admin, creating the account if there is none."""
    from consult.auth import services

    user = services.find_user_by_email(email)
    try:
        if user is None:
            if not country:
                country = click.prompt("Country (ISO code, e.g. KE, CN, DE)")
            if not password:
                password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
            user = services.register_user(
                email=email,
                display_name=name or email.split("@")[0],
                password=password or "",
                sector="other",
                country=country,
                is_admin=True,
                confirmed=True,  # made by whoever runs the site: nothing to prove
            )
            click.echo(f"Created site admin {user.email}.")
        else:
            services.make_admin(email)
            click.echo(f"{user.email} is now a site admin.")
    except DomainError as error:
        raise CommandError(error.message) from None


@click.command("seed-demo")
@click.option(
    "--seed", default=2023, show_default=True, help="Random seed for the synthetic voters."
)
@click.option("--stakeholders", default=300, show_default=True, help="Number of synthetic voters.")
def seed_demo(seed: int, stakeholders: int) -> None:
    """Create the Global AI Governance Initiative demo consultation, once."""
    from consult.demo.seed import seed_demo as run_seed

    outcome = run_seed(seed=seed, n_stakeholders=stakeholders)
    if not outcome.created:
        click.echo(f"The demo consultation '{outcome.slug}' is already there; nothing seeded.")
    else:
        click.echo(
            f"Seeded '{outcome.slug}': {outcome.n_clauses} clauses, "
            f"{outcome.n_stakeholders} stakeholders, {outcome.n_votes} votes."
        )
    for line in outcome.account_lines():
        click.echo(line)
    # Analysed once here, in this process, so the first dashboard shows results beside
    # the seeded votes instead of waiting for someone to vote.
    consultation = _consultation_or_fail(outcome.slug)
    if _latest_ok_snapshot(consultation.id) is None:
        _echo_snapshot(_run_analysis(consultation.id))


def _run_analysis(consultation_id: int):
    from consult.reports.snapshots import run_analysis

    return run_analysis(consultation_id)


def _latest_ok_snapshot(consultation_id: int):
    from consult.reports.snapshots import latest_ok

    return latest_ok(consultation_id, with_result=False)


def _echo_snapshot(snapshot) -> None:
    """One line about a run; a failed run is an error (exit 1)."""
    from consult.reports.models import SnapshotStatus
    from consult.reports.snapshots import view_of

    if snapshot.status is not SnapshotStatus.OK:
        raise click.ClickException(f"The analysis failed: {snapshot.error}")
    note = view_of(snapshot).structure_note
    click.echo(
        f"Snapshot {snapshot.id}: {snapshot.n_votes} votes from {snapshot.n_participants} "
        f"participants on {snapshot.n_statements} statements; {note}; "
        f"{snapshot.seconds:.2f} s."
    )


def _consultation_or_fail(slug: str):
    import sqlalchemy as sa

    from consult.consultations.models import Consultation
    from consult.extensions import db

    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        raise CommandError(f"There is no consultation with the slug {slug!r}.")
    return consultation


@click.command("analyse")
@click.argument("slug")
def analyse(slug: str) -> None:
    """Analyse consultation SLUG now and store the result as a new snapshot."""
    consultation = _consultation_or_fail(slug)
    _echo_snapshot(_run_analysis(consultation.id))


@click.command("import-polis")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--slug", help="Slug of the new consultation (default: from the folder name).")
@click.option(
    "--organiser",
    "organiser",
    required=True,
    metavar="EMAIL",
    help="Email of the existing account that will organise the imported consultation.",
)
def import_polis(folder: str, slug: str | None, organiser: str) -> None:
    """Create an imported (closed) consultation from the Polis export in FOLDER."""
    from consult.reports.polis_import import import_polis_export

    try:
        outcome = import_polis_export(folder, slug, organiser)
    except DomainError as error:
        raise CommandError(error.message) from None
    click.echo(
        f"Imported '{outcome.slug}': {outcome.n_statements} statements, "
        f"{outcome.n_participants} participants who voted, {outcome.n_votes} votes "
        f"(from {outcome.source}); language {outcome.language}; organiser {organiser}."
    )
    for note in outcome.notes:
        click.echo(f"Note: {note}")


@click.command("export-polis")
@click.argument("slug")
@click.argument("folder", type=click.Path(file_okay=False))
def export_polis(slug: str, folder: str) -> None:
    """Write consultation SLUG as a Polis export (CSV files) into FOLDER."""
    from consult.reports.exports import write_polis_folder

    consultation = _consultation_or_fail(slug)
    written = write_polis_folder(consultation, folder)
    click.echo(f"Wrote {', '.join(written)} to {folder}.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run an RQ worker for the analysis and mail queues (needs REDIS_URL)."""
    from flask import current_app
    from rq import Queue, Worker

    from consult.jobs import QUEUE, redis_connection
    from consult.mail.delivery import QUEUE as MAIL_QUEUE

    if not current_app.config.get("REDIS_URL"):
        raise CommandError("Set REDIS_URL to run a worker.")
    redis = redis_connection(current_app)
    queues = [Queue(name, connection=redis) for name in (QUEUE, MAIL_QUEUE)]
    Worker(queues, connection=redis).work(burst=burst)


@click.command("grant-verifier")
@click.argument("email")
@click.option("--revoke", is_flag=True, help="Take the verifier role away instead.")
def grant_verifier(email: str, revoke: bool) -> None:
    """Let EMAIL decide stakeholder verification for the whole site (or stop, --revoke)."""
    from consult.auth.site_roles import set_role
    from consult.verification.services import VERIFIER

    try:
        user = set_role(VERIFIER, None, email, grant=not revoke)
    except DomainError as error:
        raise CommandError(error.message) from None
    click.echo(f"{user.email} is {'no longer' if revoke else 'now'} a verifier.")


@click.command("grant-organiser")
@click.argument("email")
@click.option("--revoke", is_flag=True, help="Take the site organiser role away instead.")
def grant_organiser(email: str, revoke: bool) -> None:
    """Let EMAIL start consultations of their own (or stop, --revoke)."""
    from consult.auth.site_roles import set_role
    from consult.organise.site_organisers import ORGANISER

    try:
        user = set_role(ORGANISER, None, email, grant=not revoke)
    except DomainError as error:
        raise CommandError(error.message) from None
    click.echo(f"{user.email} is {'no longer' if revoke else 'now'} a site organiser.")
