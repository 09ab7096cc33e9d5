"""Item kinds: the registry (`base.py`, with the contract every kind keeps)
and the kinds Attest ships, one module each. Importing the package registers them."""

from item_bank.kinds.base import KINDS, AnswerRefused, ContentError, ItemKind, answer_codes, kind_of
from item_bank.kinds.constructed_response import ConstructedResponse
from item_bank.kinds.selected_response import SelectedResponse

__all__ = ["KINDS", "AnswerRefused", "ContentError", "ItemKind", "answer_codes", "kind_of", "ConstructedResponse",
           "SelectedResponse"]
