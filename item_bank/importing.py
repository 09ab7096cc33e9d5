"""Importing items: read files into a Bundle, check all of it against the
bank, then write all of it or nothing.

`plan_import` only reads the database; `apply_import` writes the plan in the
caller's transaction (flush, never commit), so a dry run is a plan alone.

An import goes through review like any other writing: every version it
writes is a draft whose author is the importer, whatever the file says; what
the file says of its author, status and identifier is kept as the version's
provenance. Only an admin may keep the file's statuses, and only those who
keep the domains (coordinators, admins) may add the domains a file brings.
"""

import io
import itertools
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from accounts.roles import Role
from audit import log
from extensions import db
from item_bank import bank_json, domains, qti
from item_bank.bundle import Bundle, Problem, too_many_versions, too_much_to_parse
from item_bank.items import apply_fields, editable_in_place, enemy_pairs, mark_enemies, normalise_tags
from item_bank.kinds import KINDS, kind_of
from item_bank.models import Domain, Item, ItemVersion, Status, StatusChange

# A bank of a few thousand items with their media fits well inside these; an
# archive that claims more is refused before anything is unpacked.
MAX_PACKAGE_MEMBERS = 20_000
MAX_PACKAGE_BYTES = 200 * 1024 * 1024
IDENTIFIER_LENGTH = Item.__table__.c.identifier.type.length


class ImportRefused(ValueError):
    """An import the importer may not ask for; `field` names the option at fault."""

    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


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
        too_much = too_much_to_parse(len(data))
        if too_much:
            return Bundle(problems=[Problem(source, "", "", too_much)])
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
        oversized = qti.too_big(source, len(data))
        return Bundle(problems=[oversized]) if oversized else qti.read_item_file(data, source)
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
    """A folder with imsmanifest.xml is a QTI package; any other folder is
    read file by file, its own files only (a link out of it is refused), all
    of them within one import's budget."""
    if (folder / "imsmanifest.xml").exists():
        return qti.read_folder_package(folder)
    inside = folder.resolve()
    paths = [path for path in sorted(folder.rglob("*")) if path.suffix.lower() in (".json", ".xml") and path.is_file()]
    outside = [Problem(str(path), "", "", "is a link to a file outside the folder; only the folder's own files are read")
               for path in paths if not path.resolve().is_relative_to(inside)]
    if outside:
        return Bundle(problems=outside)
    too_much = too_much_to_parse(sum(path.stat().st_size for path in paths))
    if too_much:
        return Bundle(problems=[Problem(str(folder), "", "", too_much)])
    bundle = Bundle()
    for path in paths:
        bundle.extend(read_upload(path.name, path.read_bytes(), str(path)))
    too_many = too_many_versions(sum(len(item.versions) for item in bundle.items))
    if too_many:
        return Bundle(problems=[Problem(str(folder), "", "", too_many)])
    if not bundle.items and not bundle.problems and not bundle.skipped:
        bundle.problems.append(Problem(str(folder), "", "", "holds no .json or .xml files"))
    return bundle


@dataclass
class Plan:
    keep_statuses: bool = False  # write the file's statuses (an admin's choice) rather than drafts
    created: list = field(default_factory=list)  # identifiers of new items
    updated: list = field(default_factory=list)  # (identifier, [version numbers added or changed])
    unchanged: list = field(default_factory=list)
    renamed: list = field(default_factory=list)  # (file's identifier, identifier given, notice)
    new_domains: list = field(default_factory=list)
    new_enemies: list = field(default_factory=list)  # (identifier, identifier) pairs not yet recorded
    problems: list = field(default_factory=list)
    notices: list = field(default_factory=list)  # Problems that change nothing and refuse nothing
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

    def status_of(self, version):
        """The status an incoming version is written with."""
        return version.status if self.keep_statuses else Status.DRAFT.value


def may_keep_statuses(roles):
    """Only an admin writes a file's statuses as they stand (restoring a bank
    they exported); everyone else's imports arrive as drafts."""
    return Role.ADMIN in roles


def plan_import(bundle, roles, default_domain=None, keep_statuses=False):
    """Check a bundle against the bank for an importer holding `roles`. The
    plan lists what would be created, updated, renamed or left alone, and
    every problem; nothing is written. Raises ImportRefused when a non-admin
    asks to keep the file's statuses."""
    if keep_statuses and not may_keep_statuses(roles):
        raise ImportRefused("keep_statuses", "only admins keep the statuses a file gives; "
                                             "other imports arrive as drafts for review")
    plan = Plan(keep_statuses=keep_statuses, problems=list(bundle.problems), skipped=list(bundle.skipped))
    known_codes = {code for (code,) in db.session.execute(select(Domain.code))}
    may_add_domains = domains.may_edit(roles)
    _plan_domains(bundle, plan, known_codes, may_add_domains)
    _rename_duplicates(bundle, plan)
    for incoming in bundle.items:
        _plan_item(incoming, plan, known_codes, may_add_domains, default_domain)
    _plan_enemies(bundle, plan, {incoming.identifier for incoming in bundle.items})
    return plan


def _plan_domains(bundle, plan, known_codes, may_add):
    """The file's domains that the bank lacks join `known_codes` when the
    importer may add domains; otherwise each is a notice, and an item that
    names one is a problem."""
    for entry in bundle.domains:
        code = entry["code"].strip().upper()
        if code in known_codes:
            continue
        if domains.code_problem(code):
            plan.problems.append(Problem(entry["origin"], entry["where"], "code", domains.code_problem(code)))
        elif may_add:
            known_codes.add(code)
            plan.new_domains.append(entry)
        else:
            plan.notices.append(Problem(entry["origin"], entry["where"], "code",
                                        f"{code} is not added: only coordinators and admins add domains"))


def _rename_duplicates(bundle, plan):
    """An identifier that two items of the import hold stays with the first;
    each later one is imported under the identifier with -2, -3, ... that is
    free (or that an earlier import of that same file's item was given)."""
    first_at, taken, tried = {}, {incoming.identifier for incoming in bundle.items}, {}
    for incoming in bundle.items:
        original = incoming.identifier
        if original not in first_at:
            first_at[original] = f"{incoming.origin} {incoming.where}".strip()
            continue
        new, tried[original] = _free_identifier(original, taken, tried.get(original, 1))
        taken.add(new)
        incoming.identifier, incoming.renamed_from = new, original
        plan.renamed.append((original, new, Problem(
            incoming.origin, incoming.where, "identifier",
            f"{original} is also used at {first_at[original]}; imported as {new}")))


def _free_identifier(original, taken, after):
    """(identifier, its number): `original`-N for the first N above `after`
    that neither the import nor the bank holds, or that the bank holds as
    this same item imported before under a new identifier."""
    for number in itertools.count(after + 1):
        suffix = f"-{number}"
        candidate = original[:IDENTIFIER_LENGTH - len(suffix)] + suffix
        if candidate in taken:
            continue
        item = db.session.scalar(select(Item).where(Item.identifier == candidate))
        if item is None or any((version.provenance or {}).get("identifier") == original for version in item.versions):
            return candidate, number


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


def _plan_item(incoming, plan, known_codes, may_add_domains, default_domain):
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
        status = plan.status_of(version)
        if not errors and status in (Status.APPROVED, Status.RETIRED):
            for error in kind.unready(version.content):
                problem(f"versions[{position}].content.{error.field}", f"{error.message} (the version is {status})")
        _resolve_domains(version, position, known_codes, may_add_domains, default_domain, problem)
        if version.primary_domain is None and status != Status.DRAFT:
            problem(f"versions[{position}].primary_domain", f"a {status} version needs a competency domain")
    if len(plan.problems) > problems_before:
        return
    existing = db.session.scalar(select(Item).where(Item.identifier == incoming.identifier))
    if existing is not None and existing.kind != incoming.kind:
        problem("kind", f"the bank holds {incoming.identifier} as {existing.kind}")
        return
    writes = _versions_to_write(incoming, existing, plan, problem)
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


def _resolve_domains(version, position, known_codes, may_add_domains, default_domain, problem):
    codes = [code.upper() for code in version.secondary_domains]
    unknown = [code for code in codes if code not in known_codes]
    if version.primary_domain:
        version.primary_domain = version.primary_domain.upper()
        if version.primary_domain not in known_codes:
            unknown.insert(0, version.primary_domain)
    elif default_domain is not None:
        version.primary_domain = default_domain.code
    if unknown:
        why = "" if may_add_domains else ": only coordinators and admins add domains"
        problem(f"versions[{position}].domains", f"unknown domain code {', '.join(unknown)}{why}")
    version.secondary_domains = codes


def _versions_to_write(incoming, existing, plan, problem):
    """The incoming versions that are new or change an editable draft; None when one would rewrite history."""
    if existing is None:
        return list(incoming.versions)
    by_number = {version.number: version for version in existing.versions}
    writes = []
    for version in incoming.versions:
        current = by_number.get(version.number)
        if current is None:
            writes.append(version)
        elif _differs(current, version, plan):
            if not editable_in_place(current):
                problem(
                    f"versions[{version.number - 1}]",
                    f"version {version.number} is {current.status} in the bank and cannot change; "
                    "give the change a new version number",
                )
                return None
            writes.append(version)
    return writes


def _differs(current, version, plan):
    """Whether an incoming version changes the stored one. Its status counts
    only when the file's statuses are kept: otherwise the file's is not used."""
    incoming = {
        "content": kind_of(current.item.kind).normalise(version.content),
        "primary": version.primary_domain,
        "secondary": sorted(version.secondary_domains),
        "tags": normalise_tags(version.tags),
        "source": version.source.strip(),
        "notes": version.notes.strip(),
    }
    stored = {
        "content": current.content,
        "primary": current.primary_domain.code if current.primary_domain else None,
        "secondary": sorted(domain.code for domain in current.secondary_domains),
        "tags": current.tags,
        "source": current.source,
        "notes": current.notes,
    }
    if plan.keep_statuses:
        incoming["status"], stored["status"] = version.status, current.status
    return incoming != stored


def apply_import(plan, by, source_name):
    """Write a plan that has no problems, `by` the importer: the author of
    every version written. Returns the items written."""
    if not plan.ok:
        raise ValueError("a plan with problems cannot be applied")
    if not plan.changes_anything:
        return []
    for entry in plan.new_domains:
        domains.create_domain(entry["code"], entry["name"], entry.get("description", ""), by)
    by_code = {domain.code: domain for domain in db.session.scalars(select(Domain))}
    written, kept = [], []
    for incoming, existing, versions in plan.writes:
        item = existing or Item(identifier=incoming.identifier, kind=incoming.kind)
        db.session.add(item)
        current = {version.number: version for version in item.versions}
        for version in versions:
            target = current.get(version.number)
            if target is None:
                target = ItemVersion(number=version.number)
                item.versions.append(target)
            target.status = plan.status_of(version)
            target.author_id = by.user_id
            target.provenance = _provenance(incoming, version, target.status, source_name)
            apply_fields(
                target, version.content, by_code.get(version.primary_domain),
                [by_code[code] for code in version.secondary_domains], version.tags, version.source, version.notes,
            )
            target.status_changes.append(
                StatusChange(from_status=None, to_status=target.status, by_id=by.user_id,
                             comment=f"imported from {source_name}")
            )
            if target.status != Status.DRAFT:
                kept.append(f"{item.identifier} v{target.number}: {target.status}")
        item.versions.sort(key=lambda version: version.number)
        written.append(item)
    db.session.flush()
    identifiers = {item.identifier: item for item in db.session.scalars(select(Item))}
    for first, second in plan.new_enemies:
        mark_enemies(identifiers[first], identifiers[second], by)
    log.record(
        "item_bank.imported", by, object_type="item_bank", source=source_name,
        created=len(plan.created), updated=len(plan.updated), unchanged=len(plan.unchanged),
        renamed=[f"{original} as {new}" for original, new, _ in plan.renamed],
    )
    if plan.keep_statuses:
        log.record("item_bank.imported_with_statuses", by, object_type="item_bank", source=source_name, kept=kept)
    return written


def _provenance(incoming, version, status, source_name):
    """What the file said that the bank does not take as its own."""
    provenance = {"file": source_name}
    if version.author:
        provenance["author"] = version.author
    if incoming.renamed_from:
        provenance["identifier"] = incoming.renamed_from
    if version.status != status:
        provenance["status"] = version.status
    return provenance
