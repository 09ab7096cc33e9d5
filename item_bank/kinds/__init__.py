"""Item kinds: the registry (`base.py`, with the contract every kind keeps)
and the kinds Attest ships, one module each. Importing the package registers them."""

from item_bank.kinds.base import KINDS, AnswerCode, AnswerRefused, ContentError, ItemKind, kind_of
from item_bank.kinds.constructed_response import ConstructedResponse
from item_bank.kinds.selected_response import SelectedResponse

__all__ = ["KINDS", "AnswerCode", "AnswerRefused", "ContentError", "ItemKind", "kind_of", "ConstructedResponse",
           "SelectedResponse"]
