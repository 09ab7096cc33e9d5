"""The pieces of QTI 2.1 XML that the reader, the writer and each kind's own
mapping share: namespaces, text as Attest keeps it (plain, or rich text in
the XHTML subset of `item_bank.rich`), and elements to write."""

import copy
import re
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from item_bank import rich

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
# An expected length travels as characters; Attest keeps words.
CHARACTERS_PER_WORD = 6
BLOCKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tr"}


def local_name(tag):
    return tag.rsplit("}", 1)[-1]


def text_of(element):
    """An element's text: paragraphs (block elements) apart, other whitespace collapsed."""
    parts = []

    def walk(node, top):
        block = local_name(node.tag) in BLOCKS and not top
        if block:
            parts.append("\n\n")
        parts.append(node.text or "")
        for child in node:
            walk(child, False)
            parts.append(child.tail or "")
        if block:
            parts.append("\n\n")

    walk(element, True)
    paragraphs = (" ".join(chunk.split()) for chunk in "".join(parts).split("\n\n"))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def add_element(parent, tag, text=None, **attributes):
    element = ET.SubElement(parent, tag, {key.replace("_", "-") if key != "class_" else "class": str(value)
                                          for key, value in attributes.items()})
    if text is not None:
        element.text = text
    return element


def add_paragraphs(parent, text, ns=QTI):
    for paragraph in [part.strip() for part in text.split("\n\n") if part.strip()]:
        add_element(parent, f"{{{ns}}}p", paragraph)


def add_rich(parent, value, content, ns=QTI):
    """A rich field of `content` as the element's own content: its text when
    plain, its XHTML as QTI's namespaced XHTML elements otherwise."""
    if not rich.is_xhtml(content):
        parent.text = value
        return
    fragment = rich.tree(value)
    parent.text = fragment.text
    for child in fragment:
        parent.append(_namespaced(child, ns))


def add_rich_paragraphs(parent, value, content, ns=QTI):
    """A rich field of `content` as block elements: one p per paragraph of plain text."""
    if rich.is_xhtml(content):
        add_rich(parent, value, content, ns)
    else:
        add_paragraphs(parent, value, ns)


def _namespaced(element, ns):
    # QTI 2.1 has no u: underlining travels as a span that reading turns back into u.
    tag, attributes = element.tag, dict(element.attrib)
    if tag == "u":
        tag, attributes = "span", {"class": "underline"}
    written = ET.Element(f"{{{ns}}}{tag}", attributes)
    written.text, written.tail = element.text, element.tail
    written.extend(_namespaced(child, ns) for child in element)
    return written


@dataclass(frozen=True)
class RichText:
    """Text read from a QTI body for a rich field: as plain text (`text_of`)
    and as the XHTML subset, until `settle_rich` decides which the item keeps."""

    text: str
    xhtml: str

    def __bool__(self):
        return bool(self.text) or "<img" in self.xhtml


def rich_of(element, outer=False):
    """The rich text an element holds (`outer`: the element itself too, for a
    block of the item body). Images other than the bank's own are dropped,
    their alt text left in their place."""
    held = copy.deepcopy(element)
    held.tail = None
    holder = ET.Element("div")
    if outer:
        holder.append(held)
    else:
        holder.text = held.text
        holder.extend(held)
    for inner in holder.iter():
        if local_name(inner.tag) == "span" and "underline" in inner.get("class", "").split():
            inner.tag, inner.attrib = "u", {}
    return RichText(text_of(element), _without_foreign_images(rich.from_element(holder)))


def _without_foreign_images(html):
    # Sanitising took away every src but the bank's own addresses.
    return re.sub(r'<img(?: alt="([^"]*)")?>', lambda match: f"[image: {match[1]}]" if match[1] else "", html)


def join_rich(parts):
    """Body blocks read one by one, as one rich field."""
    parts = [part for part in parts if part]
    blocks = [part.xhtml if re.search(r"<(p|ul|ol|table|blockquote)\b", part.xhtml) else f"<p>{part.xhtml}</p>"
              for part in parts]
    return RichText("\n\n".join(part.text for part in parts), "".join(blocks))


def settle_rich(content):
    """Content read from QTI with its rich fields settled: plain text, as
    before, when they hold nothing but paragraphs; otherwise XHTML, marked so."""
    values = []

    def walk(value):
        if isinstance(value, RichText):
            values.append(value)
        elif isinstance(value, dict):
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(content)
    xhtml = any(set(re.findall(r"</?([a-z]+)", value.xhtml)) - {"p"} for value in values)

    def settle(value):
        if isinstance(value, RichText):
            return value.xhtml if xhtml else value.text
        if isinstance(value, dict):
            return {key: settle(inner) for key, inner in value.items()}
        if isinstance(value, list):
            return [settle(inner) for inner in value]
        return value

    settled = settle(content)
    return settled | {rich.FORMAT: rich.XHTML} if xhtml else settled


def add_score_declaration(root):
    declaration = add_element(root, f"{{{QTI}}}outcomeDeclaration", identifier="SCORE", cardinality="single",
                              baseType="float")
    default = add_element(declaration, f"{{{QTI}}}defaultValue")
    add_element(default, f"{{{QTI}}}value", "0")
