"""What an import carries, whatever format it came in: items with their
versions and the domains they name, each with where it came from, so that a
problem can be reported by file, line or item identifier, and field.

Also what one import may carry at most: every reader checks the budget
before it parses, so a small file cannot make the server parse gigabytes."""

from dataclasses import dataclass, field

# A bank of a few thousand items, a few versions each, as one export writes
# it (a QTI package holds a file per version, a few kilobytes each).
MAX_ITEM_VERSIONS = 10_000
MAX_PARSED_BYTES = 50 * 1024 * 1024


def too_many_versions(count):
    """Why `count` item versions are more than one import may hold, or None."""
    if count > MAX_ITEM_VERSIONS:
        return f"holds {count} item versions; an import may hold {MAX_ITEM_VERSIONS} at most"
    return None


def too_much_to_parse(size):
    """Why `size` bytes of JSON or XML are more than one import may parse, or None."""
    if size > MAX_PARSED_BYTES:
        return (f"comes to {size / 1024 / 1024:.1f} MB of text to read; an import may read "
                f"{MAX_PARSED_BYTES // 1024 // 1024} MB at most")
    return None


@dataclass(frozen=True)
class Problem:
    source: str
    where: str
    field: str
    message: str

    def __str__(self):
        place = ", ".join(part for part in (self.source, self.where) if part)
        return f"{place}: {self.field}: {self.message}" if self.field else f"{place}: {self.message}"


@dataclass
class IncomingVersion:
    number: int
    status: str  # as the file says; the plan decides what is written
    content: dict
    primary_domain: str | None = None
    secondary_domains: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    source: str = ""
    notes: str = ""
    author: str | None = None  # as the file names them: kept as provenance, never as the version's author


@dataclass
class IncomingItem:
    identifier: str
    kind: str
    versions: list
    enemies: list = field(default_factory=list)
    origin: str = ""  # the file it came from
    where: str = ""  # the line or element in that file
    renamed_from: str | None = None  # the file's identifier, when another item in the import holds it


@dataclass
class Bundle:
    items: list = field(default_factory=list)
    # {"code", "name", "description", "origin", "where"}
    domains: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # Problems that skip an item without failing the import

    def extend(self, other):
        self.items += other.items
        self.domains += other.domains
        self.problems += other.problems
        self.skipped += other.skipped
