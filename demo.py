"""`flask demo load`: the demo data `make run` serves, loaded idempotently."""

import click
from flask.cli import AppGroup

from accounts.cli import command_line_actor
from accounts.demo import load_demo_users
from extensions import db

demo_cli = AppGroup("demo", help="Demo data for trying Attest.")


@demo_cli.command("load")
def load_command():
    """Load the demo accounts (one per role). Running it again changes nothing."""
    loaded = load_demo_users(command_line_actor())
    db.session.commit()
    created = sum(1 for _, was_created in loaded if was_created)
    click.echo(f"Demo data: {created} accounts created, {len(loaded) - created} already present.")
    click.echo("Demo accounts (email / password / roles):")
    for (email, roles, password), _ in loaded:
        click.echo(f"  {email:32} {password:22} {', '.join(sorted(role.value for role in roles))}")
