"""The pieces of QTI 2.1 XML that the reader, the writer and each kind's own
mapping share: namespaces, text as Attest keeps it, and elements to write."""

from xml.etree import ElementTree as ET

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


def add_score_declaration(root):
    declaration = add_element(root, f"{{{QTI}}}outcomeDeclaration", identifier="SCORE", cardinality="single",
                              baseType="float")
    default = add_element(declaration, f"{{{QTI}}}defaultValue")
    add_element(default, f"{{{QTI}}}value", "0")
