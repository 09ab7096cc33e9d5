"""A backup of everything Attest keeps: the database and the portfolio
documents, in one folder with a manifest that lets a restore check itself.

SQLite is copied with its online backup API, page by page under a read lock,
so the copy is consistent even while candidates are saving. PostgreSQL is
dumped with `pg_dump --format=custom` (a consistent snapshot, taken without
stopping the server) and brought back with `pg_restore --single-transaction`,
so a restore that fails changes nothing.

The manifest records every table's row count and every file's SHA-256: a
restore refuses a damaged backup before touching the database, and counts
the rows afterwards.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, inspect, make_url, select, table, text

from clock import utcnow

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRESQL_FILE = "database.pgdump"
DOCUMENTS = "documents"


class BackupRefused(Exception):
    """A backup or restore that cannot go ahead, in a sentence that says why."""


@dataclass(frozen=True)
class Restored:
    folder: Path
    tables: dict
    documents: int


def create(engine, documents_dir, destination):
    """Write a new backup folder inside `destination`; returns its path."""
    folder = Path(destination) / f"attest-{utcnow():%Y%m%d-%H%M%S-%f}"
    folder.mkdir(parents=True)
    if engine.dialect.name == "sqlite":
        database_file = folder / SQLITE_FILE
        _sqlite_copy(_sqlite_path(engine), database_file)
        copy = create_engine(f"sqlite:///{database_file}")
        tables = row_counts(copy)
        copy.dispose()
    else:
        database_file = folder / POSTGRESQL_FILE
        tables = _pg_dump(engine, database_file)
    files = _copy_documents(Path(documents_dir), folder / DOCUMENTS)
    manifest = {
        "created_at": utcnow().isoformat(),
        "backend": engine.dialect.name,
        "database_file": database_file.name,
        "database_sha256": _sha256(database_file),
        "tables": tables,
        "documents": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return folder


def restore(engine, documents_dir, folder, replace=False):
    """Bring the backup in `folder` back into the database and the documents
    folder. Refuses a damaged backup, one of the other backend, and, unless
    `replace`, a database that already holds data."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest["backend"] != engine.dialect.name:
        raise BackupRefused(f"{folder / MANIFEST}: this backup is of a {manifest['backend']} database; "
                            f"the configured database is {engine.dialect.name}")
    database_file = folder / manifest["database_file"]
    _check_file(database_file, manifest["database_sha256"])
    for name, digest in manifest["documents"].items():
        _check_file(folder / DOCUMENTS / name, digest)
    held = sum(count for name, count in row_counts(engine).items() if name != "alembic_version")
    if held and not replace:
        raise BackupRefused(f"the configured database already holds {held} rows; "
                            "restore into an empty database, or pass --replace to overwrite it")
    engine.dispose()
    if engine.dialect.name == "sqlite":
        _sqlite_copy(database_file, _sqlite_path(engine))
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", str(database_file)],
             engine, "--dbname")
    for name in manifest["documents"]:
        target = Path(documents_dir) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(folder / DOCUMENTS / name, target)
    counts = row_counts(engine)
    if counts != manifest["tables"]:
        differ = sorted(name for name in set(counts) | set(manifest["tables"])
                        if counts.get(name) != manifest["tables"].get(name))
        raise BackupRefused(f"after the restore these tables' row counts differ from the manifest: {', '.join(differ)}")
    return Restored(folder, counts, len(manifest["documents"]))


def row_counts(engine):
    """Rows in every table of the database, by table name."""
    with engine.connect() as connection:
        return _count_rows(connection)


def _count_rows(connection):
    names = inspect(connection).get_table_names()
    return {name: connection.scalar(select(func.count()).select_from(table(name))) for name in sorted(names)}


def read_manifest(folder):
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupRefused(f"{path}: no manifest; is this a folder `flask backup` wrote?")
    try:
        manifest = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise BackupRefused(f"{path}, line {error.lineno}: not valid JSON ({error.msg})") from error
    missing = [key for key in ("backend", "database_file", "database_sha256", "tables", "documents")
               if key not in manifest]
    if missing:
        raise BackupRefused(f"{path}: the manifest lacks {', '.join(missing)}")
    for name in manifest["documents"]:
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise BackupRefused(f"{path}: document {name!r} points outside the documents folder")
    return manifest


def _sqlite_path(engine):
    path = make_url(engine.url).database
    if not path or path == ":memory:":
        raise BackupRefused("an in-memory SQLite database has nothing on disk to back up or restore")
    return path


def _sqlite_copy(source, target):
    """SQLite's online backup: consistent while others write; the target is replaced whole."""
    source_db, target_db = sqlite3.connect(source), sqlite3.connect(target)
    try:
        with target_db:
            source_db.backup(target_db)
    finally:
        source_db.close()
        target_db.close()


def _pg_dump(engine, database_file):
    """Dump and count the rows in one snapshot: pg_dump reads the snapshot this
    transaction exports, so the counts describe exactly what the dump holds
    while candidates go on saving."""
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        with connection.begin():
            snapshot_id = connection.scalar(text("SELECT pg_export_snapshot()"))
            tables = _count_rows(connection)
            _run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot_id}", "--file",
                  str(database_file)], engine)
    return tables


def _run(command, engine, database_option=None):
    """pg_dump or pg_restore against the engine's database; the password goes
    in the environment, never on a command line others can read."""
    url = make_url(engine.url)
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    if database_option:
        command = [*command[:-1], database_option, libpq, command[-1]]
    else:
        command = [*command, libpq]
    if shutil.which(command[0]) is None:
        raise BackupRefused(f"{command[0]} is not installed: install PostgreSQL's client programs")
    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise BackupRefused(f"{command[0]} failed: {finished.stderr.strip()}")


def _copy_documents(source, target):
    files = {}
    target.mkdir()
    if not source.is_dir():
        return files
    for path in sorted(source.rglob("*")):
        if path.is_file():
            name = path.relative_to(source).as_posix()
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / name)
            files[name] = _sha256(target / name)
    return files


def _check_file(path, digest):
    if not path.is_file():
        raise BackupRefused(f"{path}: missing from the backup")
    if _sha256(path) != digest:
        raise BackupRefused(f"{path}: damaged (its SHA-256 differs from the manifest's)")


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
