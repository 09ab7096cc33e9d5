"""Reading the bank: search over items' latest versions, the review queue, forms."""

from sqlalchemy import func, or_, select

from extensions import db
from item_bank.models import Form, FormItem, FormSection, Item, ItemTag, ItemVersion, Status


def _latest_versions():
    latest = select(ItemVersion.item_id, func.max(ItemVersion.number).label("number")).group_by(ItemVersion.item_id)
    return latest.subquery()


def find_items(text="", domain_id=None, kind=None, status=None, tag=None):
    """A query of items' latest versions matching every filter given."""
    latest = _latest_versions()
    query = (
        select(ItemVersion)
        .join(latest, (latest.c.item_id == ItemVersion.item_id) & (latest.c.number == ItemVersion.number))
        .join(Item, Item.id == ItemVersion.item_id)
        .order_by(Item.identifier)
    )
    if text:
        text = text.strip().lower()
        query = query.where(or_(ItemVersion.search_text.contains(text, autoescape=True),
                                func.lower(Item.identifier).contains(text, autoescape=True)))
    if domain_id:
        query = query.where(ItemVersion.primary_domain_id == domain_id)
    if kind:
        query = query.where(Item.kind == kind)
    if status:
        query = query.where(ItemVersion.status == status)
    if tag:
        query = query.where(ItemVersion.tag_rows.any(ItemTag.tag == tag.strip().lower()))
    return query


def _awaiting(reviewer_id):
    return (ItemVersion.status == Status.IN_REVIEW.value, ItemVersion.author_id.is_distinct_from(reviewer_id))


def review_queue(reviewer_id):
    """Versions in review that this person did not write, oldest first."""
    return db.session.scalars(
        select(ItemVersion).where(*_awaiting(reviewer_id)).order_by(ItemVersion.created_at, ItemVersion.id)
    ).all()


def review_queue_size(reviewer_id):
    return db.session.scalar(select(func.count()).select_from(ItemVersion).where(*_awaiting(reviewer_id)))


def own_in_review(author_id):
    return db.session.scalar(
        select(func.count()).select_from(ItemVersion)
        .where(ItemVersion.status == Status.IN_REVIEW.value, ItemVersion.author_id == author_id)
    )


def status_counts():
    """{status: number of items whose latest version has it}."""
    latest = _latest_versions()
    rows = db.session.execute(
        select(ItemVersion.status, func.count())
        .join(latest, (latest.c.item_id == ItemVersion.item_id) & (latest.c.number == ItemVersion.number))
        .group_by(ItemVersion.status)
    )
    return dict(rows.all())


def item_by_identifier(identifier):
    return db.session.scalar(select(Item).where(Item.identifier == identifier.strip()))


def all_forms():
    return db.session.scalars(select(Form).order_by(Form.code)).all()


def forms_holding(version):
    """Codes of the forms this version is on."""
    return db.session.scalars(
        select(Form.code).join(FormSection).join(FormItem).where(FormItem.item_version_id == version.id).distinct()
    ).all()


def writer_summary(user_id):
    """What an item writer has on their plate: their drafts, theirs in review, others' waiting for them."""
    mine = select(func.count()).select_from(ItemVersion).where(ItemVersion.author_id == user_id)
    return {
        "drafts": db.session.scalar(mine.where(ItemVersion.status == Status.DRAFT.value)),
        "in_review": own_in_review(user_id),
        "to_review": review_queue_size(user_id),
    }
