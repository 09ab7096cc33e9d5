"""The whole bank, every version, in the native JSON format or as a QTI 2.1 or 3.0 package."""

from sqlalchemy import select

from extensions import db
from item_bank import bank_json, qti
from item_bank.domains import all_domains
from item_bank.items import enemies_of
from item_bank.models import Item


def _items():
    return db.session.scalars(select(Item).order_by(Item.identifier)).all()


def bank_document():
    return bank_json.dump(_items(), all_domains(), enemies_of)


QTI_VERSIONS = qti.QTI_VERSIONS


def qti_package(qti_version="2.1"):
    """(zip bytes, number of items)."""
    items = _items()
    return qti.package(items, enemies_of, qti_version), len(items)
