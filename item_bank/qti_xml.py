"""The pieces of QTI XML that the readers, the writers and each kind's own
mapping share: namespaces, text as Attest keeps it, what a candidate may see
of an item body, and elements to write.

Every reader (QTI 1.2, 2.x, 3.0, Moodle XML) brings its item into the shape
of a QTI 2.1 assessmentItem first, so these helpers and the kinds see one
vocabulary."""

from html.parser import HTMLParser
from xml.etree import ElementTree as ET

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


def add_score_declaration(root):
    declaration = add_element(root, f"{{{QTI}}}outcomeDeclaration", identifier="SCORE", cardinality="single",
                              baseType="float")
    default = add_element(declaration, f"{{{QTI}}}defaultValue")
    add_element(default, f"{{{QTI}}}value", "0")
