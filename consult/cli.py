"""Command-line tasks: ``flask create-admin``, ``flask seed-demo``."""

from __future__ import annotations

import click
from flask import Flask

from consult.errors import DomainError


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)


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
            )
            click.echo(f"Created site admin {user.email}.")
        else:
            services.make_admin(email)
            click.echo(f"{user.email} is now a site admin.")
    except DomainError as error:
        raise click.ClickException(error.message) from None


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
