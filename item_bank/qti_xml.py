"""The pieces of QTI XML that the readers, the writers and each kind's own
mapping share: namespaces, text as Attest keeps it (plain, or rich text in
the XHTML subset of `item_bank.rich`), what a candidate may see of an item
body, and elements to write.

Every reader (QTI 1.2, 2.x, 3.0, Moodle XML) brings its item into the shape
of a QTI 2.1 assessmentItem first, so these helpers and the kinds see one
vocabulary."""

import copy
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

from item_bank import rich

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
# An expected length travels as characters; Attest keeps words.
CHARACTERS_PER_WORD = 6
BLOCKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tr"}
# What an item body holds for someone other than the candidate: feedback shown
# after a response, content that depends on template variables Attest does not
# process, and rubric blocks for any view but the candidate's. None of it may
# become a stem, an option, a scenario or a prompt.
HIDDEN = {"feedbackInline", "feedbackBlock", "modalFeedback", "templateInline", "templateBlock", "printedVariable"}


def local_name(tag):
    return tag.rsplit("}", 1)[-1]


def for_candidates(element):
    """Whether a candidate may see `element`: not feedback or template
    content, and a rubricBlock only when its views include the candidate's."""
    name = local_name(element.tag)
    if name == "rubricBlock":
        return "candidate" in element.get("view", "").split()
    return name not in HIDDEN


def without(element, leave_out):
    """A copy of `element` without the descendants `leave_out` (a predicate,
    asked of the original elements) picks, however deep; the text that follows
    a removed element stays."""

    def copy(node):
        result = ET.Element(node.tag, node.attrib)
        result.text, result.tail = node.text, node.tail
        for child in node:
            if not leave_out(child):
                result.append(copy(child))
            elif len(result):
                result[-1].tail = (result[-1].tail or "") + (child.tail or "")
            else:
                result.text = (result.text or "") + (child.tail or "")
        return result

    return copy(element)


def candidate_copy(element):
    """A copy of `element` as a candidate may see it: hidden content taken out at any depth."""
    return without(element, lambda child: not for_candidates(child))


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


# HTML elements that hold no content, and those whose content is never text to keep.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
DROPPED = {"script", "style", "template"}


class _HTMLTree(HTMLParser):
    """HTML as other systems send it (escaped in QTI 1.2's mattext, CDATA in
    Moodle XML) into elements, forgiving unclosed tags, as browsers do."""

    def __init__(self, root, ns):
        super().__init__(convert_charrefs=True)
        self.ns, self.stack, self.skipping = ns, [root], 0

    def handle_starttag(self, tag, attrs):
        if tag in DROPPED:
            self.skipping += 1
        elif not self.skipping:
            element = ET.SubElement(self.stack[-1], f"{{{self.ns}}}{tag}")
            if tag not in VOID:
                self.stack.append(element)

    def handle_endtag(self, tag):
        if tag in DROPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        names = [local_name(element.tag) for element in self.stack[1:]]
        if tag in names:
            del self.stack[len(names) - names[::-1].index(tag):]

    def handle_data(self, data):
        if self.skipping:
            return
        parent = self.stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def html_fragment(text, ns=QTI):
    """A div holding `text`, HTML, as elements (in namespace `ns`), for text_of to read."""
    root = ET.Element(f"{{{ns}}}div")
    parser = _HTMLTree(root, ns)
    parser.feed(text or "")
    parser.close()
    return root


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
