"""What an import carries, whatever format it came in: items with their
versions and the domains they name, each with where it came from, so that a
problem can be reported by file, line or item identifier, and field."""

from dataclasses import dataclass, field


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
    status: str
    content: dict
    primary_domain: str | None = None
    secondary_domains: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    source: str = ""
    notes: str = ""
    author: str | None = None


@dataclass
class IncomingItem:
    identifier: str
    kind: str
    versions: list
    enemies: list = field(default_factory=list)
    origin: str = ""  # the file it came from
    where: str = ""  # the line or element in that file


@dataclass
class Bundle:
    items: list = field(default_factory=list)
    domains: list = field(default_factory=list)  # {"code", "name", "description"}
    problems: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # Problems that skip an item without failing the import

    def extend(self, other):
        self.items += other.items
        self.domains += other.domains
        self.problems += other.problems
        self.skipped += other.skipped
