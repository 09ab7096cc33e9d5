"""`flask demo load`: the demo data `make run` serves, loaded idempotently."""

import click
from flask.cli import AppGroup

from accounts.cli import command_line_actor
from accounts.demo import load_demo_users
from analysis.demo import load_demo_results, load_demo_statistics
from competencies.demo import load_demo_portfolios
from exam.demo import load_demo_session
from extensions import db
from item_bank.demo import load_demo_bank
from results.demo import load_demo_ratings

demo_cli = AppGroup("demo", help="Demo data for trying Attest.")


@demo_cli.command("load")
def load_command():
    """Load the demo accounts (one per role), the demo item bank with its
    blueprint and two published forms, and two demo exam sessions the demo
    proctor runs: one online that admits automatically, one in a room where
    the proctor admits each candidate; and a past sitting of 240 simulated
    candidates with computed item statistics and written responses rated by
    the three demo raters, its results released, for the psychometric and
    rating screens; and endorsement portfolios: the demo candidate's draft and
    five autumn candidates' applications at each step of the review, one
    endorsed. Running it again changes nothing."""
    by = command_line_actor()
    loaded = load_demo_users(by)
    bank_lines = load_demo_bank(by)
    session_lines = load_demo_session(by) + load_demo_results(by) + load_demo_ratings(by) + load_demo_statistics(by)
    portfolio_lines = load_demo_portfolios(by)
    db.session.commit()
    created = sum(1 for _, was_created in loaded if was_created)
    click.echo(f"Demo data: {created} accounts created, {len(loaded) - created} already present.")
    click.echo("Demo accounts (email / password / roles):")
    for (email, roles, password), _ in loaded:
        click.echo(f"  {email:32} {password:22} {', '.join(sorted(role.value for role in roles))}")
    click.echo("Demo item bank:")
    for line in bank_lines:
        click.echo(f"  {line}")
    click.echo("Demo exam sessions:")
    for line in session_lines:
        click.echo(f"  {line}")
    click.echo("Demo portfolios:")
    for line in portfolio_lines:
        click.echo(f"  {line}")
