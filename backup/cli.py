"""`flask backup` and `flask restore`: the database and the portfolio documents."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from backup import snapshot
from extensions import db


@click.command("backup")
@with_appcontext
@click.argument("destination", required=False, type=click.Path(file_okay=False, path_type=Path))
def backup_command(destination):
    """Back up the database and the portfolio documents into a new folder
    `attest-<UTC time>` inside DESTINATION (default: instance/backups).

    Safe while the app serves candidates. SQLite is copied with its online
    backup API; PostgreSQL is dumped with pg_dump --format=custom (PostgreSQL's
    client programs must be installed). The folder's manifest.json holds each
    table's row count and each file's SHA-256. Bring it back with
    `flask restore FOLDER`."""
    destination = destination or Path(current_app.instance_path) / "backups"
    try:
        folder = snapshot.create(db.engine, current_app.config["DOCUMENTS_DIR"], destination)
    except snapshot.BackupRefused as error:
        click.echo(f"Backup failed: {error}", err=True)
        sys.exit(1)
    manifest = snapshot.read_manifest(folder)
    click.echo(f"Backed up {sum(manifest['tables'].values())} rows in {len(manifest['tables'])} tables "
               f"and {len(manifest['documents'])} documents to {folder}")


@click.command("restore")
@with_appcontext
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite a database that already holds data.")
def restore_command(folder, replace):
    """Restore a folder `flask backup` wrote into the configured database and
    documents folder. Stop the app first.

    Refuses a backup whose files do not match its manifest, one taken from the
    other backend, and a database that already holds data unless --replace.
    PostgreSQL is restored with pg_restore --single-transaction: all or
    nothing. Afterwards every table's row count is checked against the
    manifest."""
    try:
        restored = snapshot.restore(db.engine, current_app.config["DOCUMENTS_DIR"], folder, replace)
    except snapshot.BackupRefused as error:
        click.echo(f"Restore refused: {error}", err=True)
        sys.exit(1)
    click.echo(f"Restored {sum(restored.tables.values())} rows in {len(restored.tables)} tables "
               f"and {restored.documents} documents from {restored.folder}; every row count matches the manifest.")
