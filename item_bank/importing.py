"""Importing items: read files into a Bundle, check all of it against the
bank, then write all of it or nothing.

`plan_import` only reads the database; `apply_import` writes the plan in the
caller's transaction (flush, never commit), so a dry run is a plan alone.
"""

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from accounts.models import User
from audit import log
from extensions import db
from item_bank import bank_json, qti
from item_bank.bundle import Bundle, Problem
from item_bank.domains import create_domain
from item_bank.items import apply_fields, editable_in_place, enemy_pairs, mark_enemies, normalise_tags
from item_bank.kinds import KINDS, kind_of
from item_bank.models import Domain, Item, ItemVersion, Status, StatusChange

# A bank of a few thousand items with their media fits well inside these; an
# archive that claims more is refused before anything is unpacked.
MAX_PACKAGE_MEMBERS = 20_000
MAX_PACKAGE_BYTES = 200 * 1024 * 1024


def read_path(path):
    """A Bundle from a native JSON file, a QTI package (.zip), a QTI item
    (.xml) or a folder of those."""
    path = Path(path)
    if not path.exists():
        return Bundle(problems=[Problem(str(path), "", "", "no such file or folder")])
    if path.is_dir():
        return _read_folder(path)
    return read_upload(path.name, path.read_bytes(), str(path))


def read_upload(filename, data, source=None):
    """A Bundle from one file's bytes, chosen by its name."""
    source = source or filename
    name = filename.lower()
    if name.endswith(".json"):
        try:
            return bank_json.read(data.decode("utf-8"), source)
        except UnicodeDecodeError as error:
            return Bundle(problems=[Problem(source, f"byte {error.start}", "", "not UTF-8 text")])
    if name.endswith(".zip"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                too_big = _expands_too_far(archive)
                if too_big:
                    return Bundle(problems=[Problem(source, "", "", too_big)])
                return qti.read_package(archive, source)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, struct.error, ValueError, OSError,
                NotImplementedError, RuntimeError) as error:
            # What zipfile raises on damage beyond BadZipFile: zlib.error and EOFError for compressed data,
            # struct.error, ValueError (a negative seek) and OSError for offsets, RuntimeError for an
            # encrypted member, NotImplementedError for an unknown compression method.
            return Bundle(problems=[Problem(source, "", "", f"not a readable .zip file ({error})")])
    if name.endswith(".xml"):
        return qti.read_item_file(data, source)
    return Bundle(problems=[Problem(source, "", "", "unknown file type: use .json, .zip (QTI package) or .xml (QTI item)")])


def _expands_too_far(archive):
    """Why the package would unpack into more than an item bank needs, or None.
    The sizes come from the archive's directory; zipfile stops a member at its
    declared size (and fails its CRC check), so a lying directory gains nothing."""
    members = archive.infolist()
    if len(members) > MAX_PACKAGE_MEMBERS:
        return f"holds {len(members)} files; a package may hold {MAX_PACKAGE_MEMBERS} at most"
    expanded = sum(member.file_size for member in members)
    if expanded > MAX_PACKAGE_BYTES:
        return (f"unpacks to {expanded / 1024 / 1024:.0f} MB; a package may unpack to "
                f"{MAX_PACKAGE_BYTES // 1024 // 1024} MB at most")
    return None


def _read_folder(folder):
    bundle = Bundle()
    manifest = folder / "imsmanifest.xml"
    if manifest.exists():
        return qti.read_folder_package(folder)
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() in (".json", ".xml") and path.is_file():
            bundle.extend(read_upload(path.name, path.read_bytes(), str(path)))
    if not bundle.items and not bundle.problems and not bundle.skipped:
        bundle.problems.append(Problem(str(folder), "", "", "holds no .json or .xml files"))
    return bundle


@dataclass
class Plan:
    created: list = field(default_factory=list)  # identifiers of new items
    updated: list = field(default_factory=list)  # (identifier, [version numbers added or changed])
    unchanged: list = field(default_factory=list)
    new_domains: list = field(default_factory=list)
    new_enemies: list = field(default_factory=list)  # (identifier, identifier) pairs not yet recorded
    problems: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    untagged: list = field(default_factory=list)
    # What apply_import needs: (IncomingItem, existing Item or None, [versions to write]).
    writes: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems

    @property
    def changes_anything(self):
        return bool(self.created or self.updated or self.new_domains or self.new_enemies)


def plan_import(bundle, default_domain=None):
    """Check a bundle against the bank. The plan lists what would be created,
    updated or left alone, and every problem; nothing is written."""
    plan = Plan(problems=list(bundle.problems), skipped=list(bundle.skipped))
    known_codes = {code for (code,) in db.session.execute(select(Domain.code))}
    for entry in bundle.domains:
        if entry["code"].upper() not in known_codes:
            known_codes.add(entry["code"].upper())
            plan.new_domains.append(entry)
    seen = {}
    for incoming in bundle.items:
        if incoming.identifier in seen:
            plan.problems.append(
                Problem(incoming.origin, incoming.where, "identifier",
                        f"{incoming.identifier} is also used at {seen[incoming.identifier]}")
            )
            continue
        seen[incoming.identifier] = f"{incoming.origin} {incoming.where}".strip()
        _plan_item(incoming, plan, known_codes, default_domain)
    _plan_enemies(bundle, plan, set(seen))
    return plan


def _plan_enemies(bundle, plan, incoming_identifiers):
    bank = dict(db.session.execute(select(Item.identifier, Item.id)).all())
    recorded = {frozenset(pair) for pair in enemy_pairs()}
    planned = set()
    for incoming in bundle.items:
        for enemy in incoming.enemies:
            if enemy not in incoming_identifiers and enemy not in bank:
                plan.problems.append(
                    Problem(incoming.origin, incoming.where, "enemies",
                            f"names {enemy}, which is in neither the import nor the bank")
                )
                continue
            pair = frozenset((incoming.identifier, enemy))
            ids = frozenset(bank.get(identifier) for identifier in pair)
            if pair not in planned and ids not in recorded:
                planned.add(pair)
                plan.new_enemies.append(tuple(sorted(pair)))


def _plan_item(incoming, plan, known_codes, default_domain):
    def problem(field, message):
        plan.problems.append(Problem(incoming.origin, incoming.where, field, message))

    kind = KINDS.get(incoming.kind)
    if kind is None:
        problem("kind", f"{incoming.kind!r} is not one of {', '.join(KINDS)}")
        return
    numbers = [version.number for version in incoming.versions]
    if len(set(numbers)) != len(numbers):
        problem("versions", "two versions share a number")
        return
    problems_before = len(plan.problems)
    for position, version in enumerate(incoming.versions):
        errors = kind.validate(version.content)
        for error in errors:
            problem(f"versions[{position}].content.{error.field}", error.message)
        if not errors and version.status in (Status.APPROVED, Status.RETIRED):
            for error in kind.unready(version.content):
                problem(f"versions[{position}].content.{error.field}", f"{error.message} (the version is {version.status})")
        _resolve_domains(version, position, known_codes, default_domain, problem)
        if version.primary_domain is None and version.status != Status.DRAFT:
            problem(f"versions[{position}].primary_domain", f"a {version.status} version needs a competency domain")
    if len(plan.problems) > problems_before:
        return
    existing = db.session.scalar(select(Item).where(Item.identifier == incoming.identifier))
    if existing is not None and existing.kind != incoming.kind:
        problem("kind", f"the bank holds {incoming.identifier} as {existing.kind}")
        return
    writes = _versions_to_write(incoming, existing, problem)
    if writes is None:
        return
    if any(version.primary_domain is None for version in incoming.versions):
        plan.untagged.append(incoming.identifier)
    if existing is None:
        plan.created.append(incoming.identifier)
    elif writes:
        plan.updated.append((incoming.identifier, [version.number for version in writes]))
    else:
        plan.unchanged.append(incoming.identifier)
    plan.writes.append((incoming, existing, writes))


def _resolve_domains(version, position, known_codes, default_domain, problem):
    codes = [code.upper() for code in version.secondary_domains]
    unknown = [code for code in codes if code not in known_codes]
    if version.primary_domain:
        version.primary_domain = version.primary_domain.upper()
        if version.primary_domain not in known_codes:
            unknown.insert(0, version.primary_domain)
    elif default_domain is not None:
        version.primary_domain = default_domain.code
    if unknown:
        problem(f"versions[{position}].domains", f"unknown domain code {', '.join(unknown)}")
    version.secondary_domains = codes


def _versions_to_write(incoming, existing, problem):
    """The incoming versions that are new or change an editable draft; None when one would rewrite history."""
    if existing is None:
        return list(incoming.versions)
    by_number = {version.number: version for version in existing.versions}
    writes = []
    for version in incoming.versions:
        current = by_number.get(version.number)
        if current is None:
            writes.append(version)
        elif _differs(current, version):
            if not editable_in_place(current):
                problem(
                    f"versions[{version.number - 1}]",
                    f"version {version.number} is {current.status} in the bank and cannot change; "
                    "give the change a new version number",
                )
                return None
            writes.append(version)
    return writes


def _differs(current, version):
    incoming = {
        "content": kind_of(current.item.kind).normalise(version.content),
        "status": version.status,
        "primary": version.primary_domain,
        "secondary": sorted(version.secondary_domains),
        "tags": normalise_tags(version.tags),
        "source": version.source.strip(),
        "notes": version.notes.strip(),
    }
    stored = {
        "content": current.content,
        "status": current.status,
        "primary": current.primary_domain.code if current.primary_domain else None,
        "secondary": sorted(domain.code for domain in current.secondary_domains),
        "tags": current.tags,
        "source": current.source,
        "notes": current.notes,
    }
    return incoming != stored


def apply_import(plan, by, source_name):
    """Write a plan that has no problems. Returns the items written."""
    if not plan.ok:
        raise ValueError("a plan with problems cannot be applied")
    if not plan.changes_anything:
        return []
    for entry in plan.new_domains:
        create_domain(entry["code"], entry["name"], entry.get("description", ""), by)
    domains = {domain.code: domain for domain in db.session.scalars(select(Domain))}
    authors = {}
    written = []
    for incoming, existing, versions in plan.writes:
        item = existing or Item(identifier=incoming.identifier, kind=incoming.kind)
        db.session.add(item)
        current = {version.number: version for version in item.versions}
        for version in versions:
            author_id = _author_id(version.author, authors)
            target = current.get(version.number)
            if target is None:
                target = ItemVersion(number=version.number)
                item.versions.append(target)
            target.status = version.status
            target.author_id = author_id
            apply_fields(
                target, version.content, domains.get(version.primary_domain),
                [domains[code] for code in version.secondary_domains], version.tags, version.source, version.notes,
            )
            target.status_changes.append(
                StatusChange(from_status=None, to_status=version.status, by_id=by.user_id,
                             comment=f"imported from {source_name}")
            )
        item.versions.sort(key=lambda version: version.number)
        written.append(item)
    db.session.flush()
    identifiers = {item.identifier: item for item in db.session.scalars(select(Item))}
    for first, second in plan.new_enemies:
        mark_enemies(identifiers[first], identifiers[second], by)
    log.record(
        "item_bank.imported", by, object_type="item_bank", source=source_name,
        created=len(plan.created), updated=len(plan.updated), unchanged=len(plan.unchanged),
    )
    return written


def _author_id(email, cache):
    if not email:
        return None
    if email not in cache:
        cache[email] = db.session.scalar(select(User.id).where(User.email == email.lower()))
    return cache[email]
