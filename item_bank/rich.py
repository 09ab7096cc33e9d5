"""Rich item text: the safe XHTML subset stems, options, scenarios, prompts and
rationales may hold, and the one way it is cleaned, checked and shown.

A version's content says which it holds: `"format": "xhtml"` when its rich
fields are XHTML fragments; without it they are plain text, blank lines
between paragraphs, as every item was before (such items stay so). XHTML is
sanitised by nh3 on the way in (markup outside the subset is removed, not
refused) and again on the way out, so a fragment that reached the database
some other way is still shown inert. Images are the bank's own
(`item_bank.images`), referenced by their address and described by alt text.
"""

import re
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

import nh3
from markupsafe import Markup, escape

FORMAT = "format"
XHTML = "xhtml"

TAGS = {"p", "br", "strong", "em", "b", "i", "u", "sub", "sup", "ul", "ol", "li", "table", "thead", "tbody", "tr",
        "th", "td", "caption", "blockquote", "img"}
ATTRIBUTES = {"img": {"src", "alt"}, "th": {"scope", "colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
# Removed with everything inside them: their text is code or markup, never
# something the writer meant a candidate to read.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "svg", "math", "template", "noscript",
                        "textarea", "select", "title", "head"}
VOID = {"br", "img"}
BLOCKS = {"p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "caption", "blockquote"}
# Bold and italic as the browser's editing commands write them, kept as the
# subset's own emphasis.
RENAMED = {"b": "strong", "i": "em"}
BLOCK_EDGE = re.compile(r"\s*(</?(?:p|ul|ol|li|table|thead|tbody|tr|th|td|caption|blockquote|br)\b[^>]*>)\s*")
IMAGE_PATH = "/item-bank/images/"
IMAGE_SRC = re.compile(re.escape(IMAGE_PATH) + r"([0-9a-f]{64})")
SPAN = re.compile(r"[1-9][0-9]?")


def is_xhtml(content):
    return isinstance(content, dict) and content.get(FORMAT) == XHTML


def marker(content):
    """The format entry a normalised content keeps: {"format": "xhtml"} or nothing."""
    return {FORMAT: XHTML} if is_xhtml(content) else {}


def format_problem(content):
    """Why the content's format is not one Attest knows, or None."""
    if FORMAT in content and content[FORMAT] != XHTML:
        return f'must be "{XHTML}" or absent (plain text)'
    return None


def _attribute(tag, name, value):
    if tag == "img" and name == "src":
        return value if IMAGE_SRC.fullmatch(value) else None
    if name == "scope":
        return value if value in ("row", "col") else None
    if name in ("colspan", "rowspan"):
        return value if SPAN.fullmatch(value) else None
    return value


def sanitise(html):
    """The fragment with everything outside the subset removed, b and i become
    strong and em, and its white space as a page shows it: runs as one space,
    none beside a block's tags. So a fragment that went out (to QTI, indented)
    and came back is the fragment it was."""
    cleaned = nh3.clean(html, tags=TAGS, clean_content_tags=DROPPED_WITH_CONTENT, attributes=ATTRIBUTES,
                        attribute_filter=_attribute, url_schemes=set(), link_rel=None, strip_comments=True)
    # nh3 writes b and i bare (they may carry no attribute), so the names are all there is to change.
    cleaned = re.sub(r"<(/?)([bi])>", lambda match: f"<{match[1]}{RENAMED[match[2]]}>", cleaned)
    return BLOCK_EDGE.sub(r"\1", re.sub(r"\s+", " ", cleaned)).strip()


def clean(value, xhtml):
    """A rich field's value as it is stored."""
    return sanitise(value) if xhtml else value.strip()


class _TreeBuilder(HTMLParser):
    """Sanitised HTML as an element tree: nh3's output is well formed, so start
    and end tags pair up and only the void elements stand alone."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = ET.Element("div")
        self.open = [self.root]

    def handle_starttag(self, tag, attrs):
        element = ET.SubElement(self.open[-1], tag, {name: value or "" for name, value in attrs})
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        ET.SubElement(self.open[-1], tag, {name: value or "" for name, value in attrs})

    def handle_endtag(self, tag):
        if tag not in VOID and len(self.open) > 1 and self.open[-1].tag == tag:
            self.open.pop()

    def handle_data(self, data):
        parent = self.open[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def tree(html):
    """The sanitised fragment as a `div` element holding it."""
    builder = _TreeBuilder()
    builder.feed(sanitise(html))
    builder.close()
    return builder.root


def from_element(element):
    """The inner markup of an element from another document (a QTI item body,
    any namespace), sanitised: what it holds of the subset, as a fragment."""
    return sanitise(_inner(element))


def _inner(element):
    parts = [escape(element.text or "")]
    for child in element:
        name = child.tag.rsplit("}", 1)[-1]
        attributes = "".join(f' {key.rsplit("}", 1)[-1]}="{escape(value)}"' for key, value in child.attrib.items())
        parts.append(f"<{name}{attributes}>" if name in VOID else f"<{name}{attributes}>{_inner(child)}</{name}>")
        parts.append(escape(child.tail or ""))
    return "".join(parts)


def images_of(html):
    """The img elements of a fragment, sanitised."""
    return list(tree(html).iter("img"))


def image_digests(html):
    """The SHA-256 digests of the bank images a fragment shows."""
    return {IMAGE_SRC.fullmatch(image.get("src")).group(1) for image in images_of(html) if image.get("src")}


def image_references(content):
    """[(field path, digest)] of every bank image XHTML content shows, e.g.
    ("options[1].text", "9f86..."); plain content shows none."""
    if not is_xhtml(content):
        return []
    found = []

    def walk(value, path):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else key)
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(inner, f"{path}[{index}]")
        elif isinstance(value, str) and "<img" in value:
            found.extend((path, digest) for digest in sorted(image_digests(value)))

    walk(content, "")
    return found


def problems(value, required):
    """What is wrong with an XHTML field's value, as sentences: an image
    without alt text or from outside the bank, or (when `required`) nothing to read."""
    found = []
    root = tree(value)
    for image in root.iter("img"):
        if not image.get("src"):
            found.append("image must be one uploaded to the item bank")
        elif not image.get("alt", "").strip():
            found.append("image needs alt text")
    if required and not plain_text(value, True) and not list(root.iter("img")):
        found.append("is required")
    return found


def plain_text(value, xhtml):
    """The field's words, for search and one-line summaries: paragraphs apart, tags gone."""
    if not xhtml:
        return value
    parts = []

    def walk(node):
        block = node.tag in BLOCKS
        parts.append("\n\n" if block else "")
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")
        parts.append("\n\n" if block else "")

    walk(tree(value))
    paragraphs = (" ".join(chunk.split()) for chunk in "".join(parts).split("\n\n"))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def render(value, xhtml, paragraph=None):
    """A rich field for a page. XHTML is sanitised again and marked `rich-text`;
    plain text is escaped as it always was: whole, or with `paragraph` "p" or
    "span" one element per blank-line paragraph."""
    if xhtml:
        return Markup('<div class="rich-text">') + Markup(sanitise(value)) + Markup("</div>")
    if paragraph == "p":
        return Markup("").join(Markup("<p>") + escape(part) + Markup("</p>") for part in value.split("\n\n"))
    if paragraph == "span":
        return Markup("").join(Markup('<span class="paragraph">') + escape(part) + Markup("</span>")
                               for part in value.split("\n\n"))
    return escape(value)
