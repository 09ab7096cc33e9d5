"""`flask users ...`: manage user accounts from the command line."""

import getpass

import click
from flask.cli import AppGroup
from sqlalchemy import select

from accounts import users
from accounts.models import User
from accounts.roles import Role, ordered
from audit.log import Actor
from extensions import db

users_cli = AppGroup("users", help="Create and list user accounts.")

ROLE_CHOICE = click.Choice([role.value for role in Role])


def command_line_actor():
    return Actor(None, f"cli:{getpass.getuser()}")


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role", "roles", multiple=True, required=True, type=ROLE_CHOICE,
    help="A role to grant; repeat for several (e.g. --role proctor --role rater).",
)
@click.option("--name", default="", help="Full name; defaults to the part of EMAIL before the @.")
@click.option(
    "--password", prompt=True, hide_input=True, confirmation_prompt=True,
    help="Initial password (at least 10 characters); asked for when not given.",
)
def create_user_command(email, roles, name, password):
    """Create the user EMAIL with the given roles.

    The change is written to the audit log as made from the command line.
    """
    try:
        user = users.create_user(
            email, name or email.split("@")[0], {Role(role) for role in roles}, password, command_line_actor()
        )
    except users.UserError as error:
        raise click.BadParameter(error.message, param_hint=error.field) from None
    db.session.commit()
    click.echo(f"Created {user.email} with roles: {', '.join(role.value for role in ordered(user.roles))}")


@users_cli.command("list")
def list_users_command():
    """List every user with their roles and status."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        roles = ",".join(role.value for role in ordered(user.roles)) or "-"
        status = "active" if user.active else "inactive"
        click.echo(f"{user.email}\t{roles}\t{status}")
