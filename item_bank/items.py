"""Writing items: create, edit (in place or as a new version), review, enemies.

Every change is audited. Functions flush, never commit.
"""

from sqlalchemy import exists, or_, select

from audit import log
from extensions import db
from item_bank import images
from item_bank.kinds import kind_of
from item_bank.models import EnemyPair, FormItem, Item, ItemTag, ItemVersion, Status, StatusChange

# Which status may follow which; anything else is refused.
TRANSITIONS = {
    Status.DRAFT: {Status.IN_REVIEW},
    Status.IN_REVIEW: {Status.APPROVED, Status.DRAFT},
    Status.APPROVED: {Status.RETIRED},
    Status.RETIRED: {Status.APPROVED},
}


class ItemError(ValueError):
    """A change that cannot be made; `field` names the input at fault."""

    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def check_content(kind, content):
    errors = kind_of(kind).validate(content)
    if errors:
        raise ItemError(errors[0].field, errors[0].message)
    missing = images.missing(content)
    if missing:
        raise ItemError(missing[0][0], "shows an image the item bank does not hold; upload it again")


def normalise_tags(tags):
    return sorted({tag.strip().lower() for tag in tags if tag.strip()})


def apply_fields(version, content, primary_domain, secondary_domains, tags, source, notes):
    """Set a version's content and tagging; the content must be valid for its kind."""
    content = kind_of(version.item.kind).normalise(content)
    version.content = content
    version.primary_domain = primary_domain
    version.secondary_domains = [d for d in secondary_domains if d is not primary_domain]
    version.tag_rows = [ItemTag(tag=tag) for tag in normalise_tags(tags)]
    version.source = source.strip()
    version.notes = notes.strip()
    version.search_text = kind_of(version.item.kind).search_text(content).lower()
    version.images = images.shown_by(content)


def new_identifier(kind):
    prefix = kind_of(kind).identifier_prefix
    count = db.session.scalar(select(db.func.count()).select_from(Item).where(Item.kind == kind))
    while True:
        count += 1
        identifier = f"{prefix}-{count:05d}"
        if not db.session.scalar(select(exists().where(Item.identifier == identifier))):
            return identifier


def create_item(kind, content, by, *, primary_domain, secondary_domains=(), tags=(), source="", notes="",
                identifier=None):
    check_content(kind, content)
    identifier = identifier or new_identifier(kind)
    if db.session.scalar(select(exists().where(Item.identifier == identifier))):
        raise ItemError("identifier", f"an item {identifier} already exists")
    item = Item(identifier=identifier, kind=kind)
    version = ItemVersion(number=1, status=Status.DRAFT.value, author_id=by.user_id)
    item.versions.append(version)
    apply_fields(version, content, primary_domain, secondary_domains, tags, source, notes)
    version.status_changes.append(StatusChange(from_status=None, to_status=Status.DRAFT.value, by_id=by.user_id))
    db.session.add(item)
    db.session.flush()
    log.record("item.created", by, item, identifier=identifier, version=1)
    return item


def on_a_form(version):
    return db.session.scalar(select(exists().where(FormItem.item_version_id == version.id)))


def editable_in_place(version):
    """Only a draft that no form holds may change; everything else is history."""
    return version.status == Status.DRAFT and not on_a_form(version)


def edit_item(item, content, by, *, primary_domain, secondary_domains=(), tags=(), source="", notes=""):
    """Save an edit: into the latest version when it is an unused draft,
    otherwise as a new draft version. Returns the version written."""
    check_content(item.kind, content)
    latest = item.latest
    if editable_in_place(latest):
        version = latest
    else:
        version = ItemVersion(number=latest.number + 1, status=Status.DRAFT.value, author_id=by.user_id)
        item.versions.append(version)
        version.status_changes.append(
            StatusChange(from_status=None, to_status=Status.DRAFT.value, by_id=by.user_id,
                         comment=f"new version from version {latest.number}")
        )
    apply_fields(version, content, primary_domain, secondary_domains, tags, source, notes)
    db.session.flush()
    log.record("item.edited", by, item, version=version.number, new_version=version is not latest)
    return version


def move(version, to_status, by, comment=""):
    """Move a version to another status, with who and why. A version is
    approved only when its kind finds nothing missing (`unready`): a vignette
    imported with a prose rubric waits for structured criteria. Approving a
    version retires the item's earlier approved one: new forms take the newest."""
    to_status = Status(to_status)
    from_status = Status(version.status)
    if to_status not in TRANSITIONS[from_status]:
        raise ItemError("status", f"a version {from_status.label.lower()} cannot become {to_status.label.lower()}")
    if to_status == Status.DRAFT and not comment.strip():
        raise ItemError("comment", "say what the writer should change when sending an item back")
    if to_status in (Status.IN_REVIEW, Status.APPROVED):
        if version.primary_domain_id is None:
            raise ItemError("primary_domain", "tag the item to a competency domain first")
        check_content(version.item.kind, version.content)
    if to_status == Status.APPROVED:
        missing = kind_of(version.item.kind).unready(version.content)
        if missing:
            raise ItemError(missing[0].field, missing[0].message)
    if to_status == Status.APPROVED and from_status == Status.IN_REVIEW and version.author_id == by.user_id:
        raise ItemError("status", "an item needs a reviewer other than its author")
    if to_status == Status.APPROVED:
        for other in version.item.versions:
            if other is not version and other.status == Status.APPROVED:
                _set_status(other, Status.RETIRED, by, f"superseded by version {version.number}")
    _set_status(version, to_status, by, comment.strip())
    return version


def _set_status(version, to_status, by, comment):
    version.status_changes.append(
        StatusChange(from_status=version.status, to_status=to_status.value, by_id=by.user_id, comment=comment)
    )
    log.record(
        "item.status_changed", by, version.item, version=version.number,
        before=version.status, after=to_status.value, comment=comment,
    )
    version.status = to_status.value
    db.session.flush()


def enemies_of(item):
    pairs = db.session.execute(
        select(EnemyPair.item_id, EnemyPair.enemy_id).where(
            or_(EnemyPair.item_id == item.id, EnemyPair.enemy_id == item.id)
        )
    ).all()
    ids = {a if b == item.id else b for a, b in pairs}
    return db.session.scalars(select(Item).where(Item.id.in_(ids)).order_by(Item.identifier)).all()


def enemy_pairs():
    """Every enemy pair as a set of frozensets of item ids."""
    return {frozenset(pair) for pair in db.session.execute(select(EnemyPair.item_id, EnemyPair.enemy_id))}


def mark_enemies(item, other, by):
    if item.id == other.id:
        raise ItemError("enemy", "an item cannot be its own enemy")
    low, high = sorted((item.id, other.id))
    if db.session.get(EnemyPair, (low, high)) is None:
        db.session.add(EnemyPair(item_id=low, enemy_id=high))
        db.session.flush()
        log.record("item.enemy_marked", by, item, enemy=other.identifier)


def unmark_enemies(item, other, by):
    low, high = sorted((item.id, other.id))
    pair = db.session.get(EnemyPair, (low, high))
    if pair is not None:
        db.session.delete(pair)
        db.session.flush()
        log.record("item.enemy_unmarked", by, item, enemy=other.identifier)


def flatten(value, prefix=""):
    """Content as {field path: text}, e.g. {"options[1].text": "..."}, for diffs."""
    if isinstance(value, dict):
        pairs = {}
        for key, inner in value.items():
            pairs.update(flatten(inner, f"{prefix}.{key}" if prefix else key))
        return pairs
    if isinstance(value, list):
        pairs = {}
        for index, inner in enumerate(value):
            pairs.update(flatten(inner, f"{prefix}[{index}]"))
        return pairs
    return {prefix: "" if value is None else str(value)}


def describe(version):
    """The version's content and tagging, flattened for comparison."""
    fields = flatten(version.content)
    fields["primary domain"] = version.primary_domain.code if version.primary_domain else "(untagged)"
    fields["secondary domains"] = ", ".join(domain.code for domain in version.secondary_domains)
    fields["tags"] = ", ".join(version.tags)
    fields["source"] = version.source
    fields["notes"] = version.notes
    return fields


def differences(older, newer):
    """What changed between two versions: (field, before, after), in field order."""
    before, after = describe(older), describe(newer)
    fields = list(dict.fromkeys([*before, *after]))
    return [(field, before.get(field, ""), after.get(field, "")) for field in fields
            if before.get(field, "") != after.get(field, "")]
