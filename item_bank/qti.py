"""IMS QTI 2.1: reading items and content packages into a Bundle, writing them.

What maps, both ways:
- choiceInteraction with single cardinality and a correctResponse is a
  selected-response item (shuffle and fixed choices kept; modalFeedback
  RATIONALE is the rationale);
- extendedTextInteraction(s) make a constructed-response item: the item body's
  other text is the scenario, each interaction's prompt a prompt, and the
  scorer's rubricBlock the rubric (div.criterion > h4 name, li.points-N);
- any other interaction is reported by file and identifier and skipped.

Attest's own facts (versions, status, domains, tags, enemies, source, notes)
travel in the manifest's resource metadata under the Attest namespace; LOM
keywords and classifications from other systems are read as tags and domains.
Parsing goes through defusedxml: no entity expansion, no external fetches.
"""

import io
import posixpath
import re
import zipfile
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from item_bank.bundle import Bundle, IncomingItem, IncomingVersion, Problem

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_NAMESPACES = (QTI, "http://www.imsglobal.org/xsd/imsqti_v2p2")
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
LOM = "http://ltsc.ieee.org/xsd/LOM"
ATTEST = "https://attest.example.org/xsd/item-bank-v1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
QTI_SCHEMA_LOCATION = f"{QTI} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CHARACTERS_PER_WORD = 6
# An item's XML is a few kilobytes; anything this large is refused unread, so
# a small archive cannot unpack into gigabytes of text to parse.
MAX_XML_BYTES = 5 * 1024 * 1024

for prefix, uri in (("", QTI), ("imscp", CP), ("imsmd", LOM), ("attest", ATTEST), ("xsi", XSI)):
    ET.register_namespace(prefix, uri)


def _local(tag):
    return tag.rsplit("}", 1)[-1]


BLOCKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tr"}


def _text(element):
    """An element's text: paragraphs (block elements) apart, other whitespace collapsed."""
    parts = []

    def walk(node, top):
        block = _local(node.tag) in BLOCKS and not top
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


def _parse(data, source):
    """An ElementTree root, or a Problem naming the line and column."""
    try:
        return SafeET.fromstring(data), None
    except ET.ParseError as error:
        line, column = error.position  # expat counts columns from 0
        return None, Problem(source, f"line {line}, column {column + 1}", "", f"malformed XML: {str(error).split(':')[0]}")
    except DefusedXmlException as error:
        return None, Problem(source, "", "", f"refused XML: {error}")


# The parts of the QTI 2.1 schema that Attest reads and writes: the order of
# assessmentItem's children and the attributes the schema requires.
ITEM_CHILD_ORDER = ["responseDeclaration", "outcomeDeclaration", "templateDeclaration", "templateProcessing",
                    "stylesheet", "itemBody", "responseProcessing", "modalFeedback"]
REQUIRED_ATTRIBUTES = {
    "assessmentItem": ("identifier", "title", "adaptive", "timeDependent"),
    "responseDeclaration": ("identifier", "cardinality"),
    "outcomeDeclaration": ("identifier", "cardinality"),
    "choiceInteraction": ("responseIdentifier",),
    "simpleChoice": ("identifier",),
    "extendedTextInteraction": ("responseIdentifier",),
    "rubricBlock": ("view",),
    "modalFeedback": ("outcomeIdentifier", "identifier", "showHide"),
}


def structure_problems(root):
    """Where an assessmentItem departs from the QTI 2.1 structure: child order
    and required attributes. Empty when it conforms."""
    problems = []
    ranks = [ITEM_CHILD_ORDER.index(_local(child.tag)) if _local(child.tag) in ITEM_CHILD_ORDER else -1 for child in root]
    for child, rank in zip(root, ranks):
        if rank < 0:
            problems.append(f"assessmentItem may not contain {_local(child.tag)}")
    known = [rank for rank in ranks if rank >= 0]
    if known != sorted(known):
        problems.append("assessmentItem's children are out of order: " + ", ".join(ITEM_CHILD_ORDER))
    for element in root.iter():
        for attribute in REQUIRED_ATTRIBUTES.get(_local(element.tag), ()):
            if not element.get(attribute):
                problems.append(f"{_local(element.tag)} has no {attribute}")
    return problems


# Reading

def read_item_file(data, source, metadata=None):
    """One assessmentItem document into a Bundle."""
    bundle = Bundle()
    root, problem = _parse(data, source)
    if problem:
        bundle.problems.append(problem)
        return bundle
    if _local(root.tag) != "assessmentItem" or root.tag.split("}")[0].lstrip("{") not in QTI_NAMESPACES:
        bundle.problems.append(Problem(source, "", "", "not a QTI 2.1 assessmentItem"))
        return bundle
    identifier = root.get("identifier", "").strip()
    if not identifier:
        bundle.problems.append(Problem(source, "assessmentItem", "identifier", "is required"))
        return bundle
    where = f"item {identifier}"
    structure = structure_problems(root)
    if structure:
        bundle.problems += [Problem(source, where, "QTI 2.1", problem) for problem in structure]
        return bundle
    ns = root.tag.split("}")[0] + "}"
    body = root.find(f"{ns}itemBody")
    if body is None:
        bundle.problems.append(Problem(source, where, "itemBody", "is missing"))
        return bundle
    interactions = [element for element in body.iter() if _local(element.tag).endswith("Interaction")]
    kinds = {_local(element.tag) for element in interactions}
    declarations = {decl.get("identifier"): decl for decl in root.findall(f"{ns}responseDeclaration")}
    if kinds == {"choiceInteraction"} and len(interactions) == 1:
        content, problems, skip = _read_choice(root, ns, body, interactions[0], declarations, source, where)
        kind = "selected_response"
    elif kinds == {"extendedTextInteraction"}:
        content, problems, skip = _read_extended_text(body, ns, interactions, source, where)
        kind = "constructed_response"
    else:
        names = ", ".join(sorted(kinds)) or "no interaction"
        skip = Problem(source, where, "interaction", f"{names} is not supported; item not imported")
        content, problems = None, []
    if skip:
        bundle.skipped.append(skip)
        return bundle
    if problems:
        bundle.problems += problems
        return bundle
    version = IncomingVersion(number=1, status="draft", content=content)
    item = IncomingItem(identifier=identifier, kind=kind, versions=[version], origin=source, where=where)
    if metadata is not None:
        _apply_metadata(item, version, metadata)
    bundle.items.append(item)
    return bundle


def _read_choice(root, ns, body, interaction, declarations, source, where):
    problems = []
    response_id = interaction.get("responseIdentifier")
    declaration = declarations.get(response_id)
    if declaration is None:
        return None, [Problem(source, where, "responseDeclaration", f"none declares {response_id!r}")], None
    if declaration.get("cardinality") != "single" or interaction.get("maxChoices", "1") != "1":
        return None, [], Problem(
            source, where, "choiceInteraction", "multiple-response choice is not supported; item not imported"
        )
    correct = declaration.find(f"{ns}correctResponse")
    key = [value.text.strip() for value in correct.findall(f"{ns}value")] if correct is not None else []
    if not key:
        problems.append(Problem(source, where, "correctResponse", "is missing: the item has no key"))
    choices = interaction.findall(f"{ns}simpleChoice")
    options = [
        {"id": choice.get("identifier", ""), "text": _text(choice), "fixed": choice.get("fixed") == "true"}
        for choice in choices
    ]
    prompt = interaction.find(f"{ns}prompt")
    stem_parts = [_text(element) for element in body if element is not interaction and _local(element.tag) != "rubricBlock"]
    if prompt is not None:
        stem_parts.append(_text(prompt))
    content = {
        "stem": "\n\n".join(part for part in stem_parts if part),
        "options": options,
        "key": key,
        "shuffle": interaction.get("shuffle") == "true",
        "rationale": _rationale(root, ns),
        "references": [],
    }
    return content, problems, None


def _rationale(root, ns):
    for feedback in root.findall(f"{ns}modalFeedback"):
        return _text(feedback)
    return ""


def _read_extended_text(body, ns, interactions, source, where):
    problems = []
    prompts = []
    for interaction in interactions:
        prompt = interaction.find(f"{ns}prompt")
        if prompt is None or not _text(prompt):
            problems.append(
                Problem(source, where, "extendedTextInteraction",
                        f"{interaction.get('responseIdentifier')} has no prompt")
            )
        else:
            prompts.append(_text(prompt))
    rubric_block = next((b for b in body.iter(f"{ns}rubricBlock") if "scorer" in b.get("view", "")), None)
    if rubric_block is None:
        problems.append(Problem(source, where, "rubricBlock", 'no rubric for scorers (rubricBlock view="scorer")'))
        rubric = None
    else:
        rubric = _read_rubric(rubric_block, ns)
    scenario_parts, expected = [], None
    for element in body:
        if element in interactions or _local(element.tag) == "rubricBlock":
            continue
        if "expected-length" in element.get("class", "").split():
            expected = _expected_length(_text(element))
            continue
        if any(inner in interactions for inner in element.iter()):
            continue
        scenario_parts.append(_text(element))
    if expected is None:
        characters = max((int(i.get("expectedLength", "0") or 0) for i in interactions), default=0)
        expected = {"min_words": 0, "max_words": characters // CHARACTERS_PER_WORD} if characters else None
    content = {
        "scenario": "\n\n".join(part for part in scenario_parts if part),
        "prompts": prompts,
        "rubric": rubric,
    }
    if expected:
        content["expected_length"] = expected
    return content, problems, None


def _expected_length(text):
    numbers = [int(number) for number in re.findall(r"\d+", text)]
    return {"min_words": numbers[0], "max_words": numbers[1]} if len(numbers) >= 2 else None


def _read_rubric(block, ns):
    criteria = []
    for index, criterion in enumerate(element for element in block.iter() if "criterion" in element.get("class", "").split()):
        heading = next((child for child in criterion if _local(child.tag).startswith("h")), None)
        levels = []
        for entry in criterion.iter(f"{ns}li"):
            match = re.search(r"\bpoints-(\d+)\b", entry.get("class", ""))
            if match:
                levels.append({"points": int(match.group(1)), "descriptor": _text(entry)})
        criteria.append(
            {"id": criterion.get("id") or f"C{index + 1}", "name": _text(heading) if heading is not None else "",
             "levels": levels}
        )
    return {"criteria": criteria}


def read_package(archive, source):
    """A QTI content package (.zip with imsmanifest.xml) into a Bundle."""
    names = set(archive.namelist())
    if "imsmanifest.xml" not in names:
        return Bundle(problems=[Problem(source, "", "imsmanifest.xml", "is missing: not a QTI content package")])
    oversized = [member for member in archive.infolist()
                 if member.filename.lower().endswith(".xml") and member.file_size > MAX_XML_BYTES]
    if oversized:
        return Bundle(problems=[Problem(f"{source}/{member.filename}", "", "",
                                        f"unpacks to {member.file_size / 1024 / 1024:.1f} MB; an item's XML may be "
                                        f"{MAX_XML_BYTES // 1024 // 1024} MB at most") for member in oversized])
    return _read_manifest(archive.read("imsmanifest.xml"), lambda href: archive.read(href) if href in names else None, source)


def read_folder_package(folder):
    def read(href):
        path = folder / href
        return path.read_bytes() if path.is_file() else None

    return _read_manifest((folder / "imsmanifest.xml").read_bytes(), read, str(folder))


def _read_manifest(data, read, source):
    bundle = Bundle()
    manifest_source = f"{source}/imsmanifest.xml"
    root, problem = _parse(data, manifest_source)
    if problem:
        bundle.problems.append(problem)
        return bundle
    resources = root.find(f"{{{CP}}}resources")
    for resource in resources.findall(f"{{{CP}}}resource") if resources is not None else []:
        if not resource.get("type", "").startswith("imsqti_item"):
            continue
        href = posixpath.normpath(resource.get("href", ""))
        item_source = f"{source}/{href}"
        data = read(href) if href and not href.startswith("..") else None
        if data is None:
            bundle.problems.append(
                Problem(manifest_source, f"resource {resource.get('identifier')}", "href", f"{href!r} is not in the package")
            )
            continue
        bundle.extend(read_item_file(data, item_source, metadata=resource.find(f"{{{CP}}}metadata")))
    _merge_versions(bundle)
    if not bundle.items and not bundle.problems and not bundle.skipped:
        bundle.problems.append(Problem(manifest_source, "", "resources", "lists no QTI items"))
    return bundle


def _apply_metadata(item, version, metadata):
    attest = metadata.find(f"{{{ATTEST}}}item") if metadata is not None else None
    if attest is not None:
        version.number = int(attest.get("version", "1"))
        version.status = attest.get("status", "draft")
        version.primary_domain = attest.get("primary-domain") or None
        version.secondary_domains = [e.text for e in attest.findall(f"{{{ATTEST}}}secondary-domain")]
        version.tags = [e.text for e in attest.findall(f"{{{ATTEST}}}tag")]
        version.source = attest.findtext(f"{{{ATTEST}}}source", "")
        version.notes = attest.findtext(f"{{{ATTEST}}}notes", "")
        version.author = attest.get("author") or None
        item.enemies = [e.text for e in attest.findall(f"{{{ATTEST}}}enemy")]
        if item.kind == "selected_response":
            version.content["references"] = [e.text for e in attest.findall(f"{{{ATTEST}}}reference")]
        return
    if metadata is None:
        return
    version.tags = [_text(k) for k in metadata.iter(f"{{{LOM}}}keyword")]
    taxa = [t.findtext(f"{{{LOM}}}id", "").strip() for t in metadata.iter(f"{{{LOM}}}taxon")]
    taxa = [taxon for taxon in taxa if taxon]
    if taxa:
        version.primary_domain, version.secondary_domains = taxa[0], taxa[1:]


def _merge_versions(bundle):
    """Files that hold versions of one item become one item with several versions."""
    merged = {}
    for item in bundle.items:
        if item.identifier in merged and item.versions[0].number not in {
            v.number for v in merged[item.identifier].versions
        }:
            merged[item.identifier].versions += item.versions
            merged[item.identifier].versions.sort(key=lambda v: v.number)
        else:
            merged.setdefault(item.identifier, item)
            if merged[item.identifier] is not item:
                bundle.problems.append(
                    Problem(item.origin, item.where, "identifier",
                            f"{item.identifier} is also used by {merged[item.identifier].origin}")
                )
    bundle.items = list(merged.values())


# Writing

def _element(parent, tag, text=None, **attributes):
    element = ET.SubElement(parent, tag, {key.replace("_", "-") if key != "class_" else "class": str(value)
                                          for key, value in attributes.items()})
    if text is not None:
        element.text = text
    return element


def _paragraphs(parent, text, ns=QTI):
    for paragraph in [part.strip() for part in text.split("\n\n") if part.strip()]:
        _element(parent, f"{{{ns}}}p", paragraph)


def item_document(version):
    """One item version as a QTI 2.1 assessmentItem document (bytes)."""
    item, content = version.item, version.content
    root = ET.Element(f"{{{QTI}}}assessmentItem", {
        f"{{{XSI}}}schemaLocation": QTI_SCHEMA_LOCATION,
        "identifier": item.identifier, "title": _title(version), "adaptive": "false", "timeDependent": "false",
    })
    q = f"{{{QTI}}}"
    if item.kind == "selected_response":
        declaration = _element(root, q + "responseDeclaration", identifier="RESPONSE", cardinality="single", baseType="identifier")
        correct = _element(declaration, q + "correctResponse")
        for key in content["key"]:
            _element(correct, q + "value", key)
        _score_declaration(root)
        _element(root, q + "outcomeDeclaration", identifier="FEEDBACK", cardinality="single", baseType="identifier")
        body = _element(root, q + "itemBody")
        interaction = _element(body, q + "choiceInteraction", responseIdentifier="RESPONSE",
                               shuffle=str(content.get("shuffle", False)).lower(), maxChoices="1")
        _element(interaction, q + "prompt", content["stem"])
        for option in content["options"]:
            _element(interaction, q + "simpleChoice", option["text"], identifier=option["id"],
                     fixed=str(option.get("fixed", False)).lower())
        _element(root, q + "responseProcessing",
                 template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct")
        if content.get("rationale"):
            feedback = _element(root, q + "modalFeedback", outcomeIdentifier="FEEDBACK", identifier="RATIONALE",
                                showHide="show")
            feedback.text = content["rationale"]
    else:
        for index, _ in enumerate(content["prompts"], start=1):
            _element(root, q + "responseDeclaration", identifier=f"RESPONSE_{index}", cardinality="single", baseType="string")
        _score_declaration(root)
        body = _element(root, q + "itemBody")
        _paragraphs(body, content["scenario"])
        length = content.get("expected_length")
        if length:
            _element(body, q + "p", f"Expected length: {length['min_words']} to {length['max_words']} words.",
                     class_="expected-length")
        for index, prompt in enumerate(content["prompts"], start=1):
            attributes = {"responseIdentifier": f"RESPONSE_{index}"}
            if length:
                attributes["expectedLength"] = length["max_words"] * CHARACTERS_PER_WORD
            interaction = _element(body, q + "extendedTextInteraction", **attributes)
            _element(interaction, q + "prompt", prompt)
        rubric = _element(body, q + "rubricBlock", view="scorer")
        for criterion in content["rubric"]["criteria"]:
            block = _element(rubric, q + "div", class_="criterion", id=criterion["id"])
            _element(block, q + "h4", criterion["name"])
            levels = _element(block, q + "ul")
            for level in criterion["levels"]:
                _element(levels, q + "li", level["descriptor"], class_=f"points-{level['points']}")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _score_declaration(root):
    declaration = _element(root, f"{{{QTI}}}outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float")
    default = _element(declaration, f"{{{QTI}}}defaultValue")
    _element(default, f"{{{QTI}}}value", "0")


def _title(version):
    text = " ".join((version.content.get("stem") or version.content.get("scenario") or version.item.identifier).split())
    return text if len(text) <= 80 else text[:77] + "..."


def _metadata(parent, version, enemies):
    metadata = _element(parent, f"{{{CP}}}metadata")
    attributes = {"identifier": version.item.identifier, "version": version.number, "status": version.status}
    if version.primary_domain:
        attributes["primary_domain"] = version.primary_domain.code
    if version.author:
        attributes["author"] = version.author.email
    attest = _element(metadata, f"{{{ATTEST}}}item", **attributes)
    for domain in version.secondary_domains:
        _element(attest, f"{{{ATTEST}}}secondary-domain", domain.code)
    for tag in version.tags:
        _element(attest, f"{{{ATTEST}}}tag", tag)
    for enemy in enemies:
        _element(attest, f"{{{ATTEST}}}enemy", enemy.identifier)
    for reference in version.content.get("references", []):
        _element(attest, f"{{{ATTEST}}}reference", reference)
    if version.source:
        _element(attest, f"{{{ATTEST}}}source", version.source)
    if version.notes:
        _element(attest, f"{{{ATTEST}}}notes", version.notes)


def package(items, enemies_of):
    """The items, every version, as a QTI 2.1 content package (.zip bytes)."""
    manifest = ET.Element(f"{{{CP}}}manifest", {"identifier": "ATTEST-ITEM-BANK"})
    _element(manifest, f"{{{CP}}}organizations")
    resources = _element(manifest, f"{{{CP}}}resources")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in items:
            enemies = enemies_of(item)
            for version in item.versions:
                href = f"items/{item.identifier}/v{version.number}.xml"
                resource = _element(resources, f"{{{CP}}}resource", identifier=f"RES-{item.identifier}-v{version.number}",
                                    type="imsqti_item_xmlv2p1", href=href)
                _metadata(resource, version, enemies)
                _element(resource, f"{{{CP}}}file", href=href)
                archive.writestr(href, item_document(version))
        ET.indent(manifest)
        archive.writestr("imsmanifest.xml", ET.tostring(manifest, encoding="utf-8", xml_declaration=True))
    return buffer.getvalue()
