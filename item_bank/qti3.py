"""1EdTech QTI 3.0 items as QTI 2.x, and back.

QTI 3.0 renames rather than remodels what Attest reads and writes: its own
elements are the 2.x names in kebab case with a `qti-` prefix
(choiceInteraction is qti-choice-interaction), attributes are kebab case
(responseIdentifier is response-identifier), HTML elements keep their names,
and the content of a rubricBlock, modalFeedback, feedbackBlock or
templateBlock sits in a qti-content-body. So a 3.0 item is read by turning it
into a 2.x item for the one reader, and written by turning the 2.1 item the
kinds write into 3.0, as the ETS/1EdTech qti2xTo30 stylesheet does.
"""

import re
from xml.etree import ElementTree as ET

from item_bank.qti_xml import QTI, local_name

NAMESPACE = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
SCHEMA_LOCATION = f"{NAMESPACE} https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
MANIFEST_NAMESPACE = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
RESOURCE_TYPE = "imsqti_item_xmlv3p0"
RP_TEMPLATES_2 = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"
RP_TEMPLATES_3 = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/"
CONTENT_BODY = "qti-content-body"
WRAPPED = {"rubricBlock", "modalFeedback", "feedbackBlock", "templateBlock"}
# The (X)HTML elements QTI 2.1, 2.2 and 3.0 allow in content: in 3.0 they keep their names.
HTML = {
    "a", "abbr", "acronym", "address", "article", "aside", "audio", "b", "bdi", "bdo", "big", "blockquote", "br",
    "caption", "cite", "code", "col", "colgroup", "dd", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "kbd", "label", "li", "nav",
    "object", "ol", "p", "param", "picture", "pre", "q", "rb", "rp", "rt", "rtc", "ruby", "samp", "section", "small",
    "source", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "track",
    "tt", "ul", "var", "video", "wbr",
}
KEPT_ATTRIBUTES = re.compile(r"^(data|aria)-")


def kebab(name):
    return re.sub(r"(?<!^)([A-Z])", r"-\1", name).lower()


def camel(name):
    first, *rest = name.split("-")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def _attributes(element, rename):
    return {key if "}" in key or KEPT_ATTRIBUTES.match(key) else rename(key): value
            for key, value in element.attrib.items()}


def to_qti2(root):
    """A qti-assessment-item element as the same item in QTI 2.1 terms."""

    def convert(element, parent):
        name = local_name(element.tag)
        if name == CONTENT_BODY:  # its content belongs to the parent in 2.x
            parent.text = (parent.text or "") + (element.text or "")
            for child in element:
                convert(child, parent)
            if len(parent):
                parent[-1].tail = (parent[-1].tail or "") + (element.tail or "")
            return
        if element.tag.startswith(f"{{{NAMESPACE}}}"):
            name = camel(name[4:]) if name.startswith("qti-") else name
            tag = f"{{{QTI}}}{name}"
        else:
            tag = element.tag  # MathML, SSML and the like keep their own namespace
        attributes = _attributes(element, camel)
        if name == "responseProcessing" and attributes.get("template", "").startswith(RP_TEMPLATES_3):
            attributes["template"] = RP_TEMPLATES_2 + attributes["template"][len(RP_TEMPLATES_3):].removesuffix(".xml")
        copy = ET.Element(tag, attributes) if parent is None else ET.SubElement(parent, tag, attributes)
        copy.text, copy.tail = element.text, element.tail
        for child in element:
            convert(child, copy)
        return copy

    item = convert(root, None)
    # 3.0 makes adaptive optional, false when absent; 2.1 requires it.
    item.set("adaptive", item.get("adaptive", "false"))
    return item


def from_qti2(root):
    """A QTI 2.1 assessmentItem element (as the kinds write it) as a QTI 3.0 qti-assessment-item."""

    def convert(element, parent):
        name = local_name(element.tag)
        tag = f"{{{NAMESPACE}}}{name if name in HTML else 'qti-' + kebab(name)}"
        attributes = _attributes(element, kebab)
        if name == "responseProcessing" and attributes.get("template", "").startswith(RP_TEMPLATES_2):
            attributes["template"] = RP_TEMPLATES_3 + attributes["template"][len(RP_TEMPLATES_2):] + ".xml"
        copy = ET.Element(tag, attributes) if parent is None else ET.SubElement(parent, tag, attributes)
        copy.tail = element.tail
        target = copy
        if name in WRAPPED:
            target = ET.SubElement(copy, f"{{{NAMESPACE}}}{CONTENT_BODY}")
        target.text = element.text
        for child in element:
            convert(child, target)
        return copy

    return convert(root, None)
