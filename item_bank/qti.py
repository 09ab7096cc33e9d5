"""IMS QTI: reading items and content packages into a Bundle, writing them.

Read: QTI 2.1 and 2.2 assessmentItems, QTI 3.0 qti-assessment-items
(`qti3.py`), QTI 1.2 questestinterop documents (`qti1.py`) and Moodle XML
quizzes (`moodle_xml.py`), alone or in a content package. Every format is
first brought into QTI 2.x terms, so one reader serves them all, and takes
out of the item body, in one place, whatever is not for candidates (feedback,
template content, rubric blocks for scorers and other staff) before a kind
reads its stem, options, scenario or prompts. Written: QTI 2.1 or 3.0.

Each kind maps its own items, both ways (`reads_qti`, `read_qti`,
`write_qti` in `item_bank/kinds/`): a choiceInteraction is a selected-response
item, extendedTextInteraction(s) a vignette. An item body no kind reads is
reported by file and identifier and skipped.

Attest's own facts (versions, status, domains, tags, enemies, source, notes)
travel in the manifest's resource metadata under the Attest namespace; LOM
keywords and classifications from other systems are read as tags and domains.
Parsing goes through defusedxml: no entity expansion, no external fetches.
"""

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from item_bank import moodle_xml, qti1, qti3
from item_bank.bundle import Bundle, IncomingItem, IncomingVersion, Problem, too_many_versions, too_much_to_parse
from item_bank.kinds import KINDS, kind_of
from item_bank.qti_xml import QTI, add_element, candidate_copy, local_name, text_of

QTI_NAMESPACES = (QTI, "http://www.imsglobal.org/xsd/imsqti_v2p2")
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
# Resource types of items: imsqti_item_xmlv2p1, _xmlv2p2, _xmlv3p0, and the QTI 1.2 files Canvas lists.
QTI_RESOURCE_TYPES = ("imsqti_item", "imsqti_xmlv1p2")
LOM = "http://ltsc.ieee.org/xsd/LOM"
ATTEST = "https://attest.example.org/xsd/item-bank-v1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
QTI_SCHEMA_LOCATION = f"{QTI} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
# An item's XML is a few kilobytes; anything this large is refused unread, so
# a small archive cannot unpack into gigabytes of text to parse.
MAX_XML_BYTES = 5 * 1024 * 1024

PREFIXES = {QTI: "", CP: "imscp", LOM: "imsmd", ATTEST: "attest", XSI: "xsi", qti3.NAMESPACE: "qti3",
            qti3.MANIFEST_NAMESPACE: "imscp3"}
for uri, prefix in PREFIXES.items():
    ET.register_namespace(prefix, uri)


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
    ranks = [ITEM_CHILD_ORDER.index(local_name(child.tag)) if local_name(child.tag) in ITEM_CHILD_ORDER else -1 for child in root]
    for child, rank in zip(root, ranks):
        if rank < 0:
            problems.append(f"assessmentItem may not contain {local_name(child.tag)}")
    known = [rank for rank in ranks if rank >= 0]
    if known != sorted(known):
        problems.append("assessmentItem's children are out of order: " + ", ".join(ITEM_CHILD_ORDER))
    for element in root.iter():
        for attribute in REQUIRED_ATTRIBUTES.get(local_name(element.tag), ()):
            if not element.get(attribute):
                problems.append(f"{local_name(element.tag)} has no {attribute}")
    return problems


# Reading

@dataclass(frozen=True)
class Found:
    """An item body as the reader found it, for its kind to read."""

    root: ET.Element  # the whole assessmentItem, in QTI 2.x terms, hidden content and all
    ns: str  # "{namespace}" of its elements
    body: ET.Element  # the itemBody as a candidate may see it: feedback, template and staff-only rubric content taken out
    interactions: list  # the interactions in `body`
    declarations: dict  # responseDeclaration elements by identifier
    scorer_rubrics: list  # the rubricBlocks for scorers, wherever they sit in the item body
    source: str
    where: str


def read_item_file(data, source, metadata=None):
    """One file of items into a Bundle: a QTI 2.1, 2.2 or 3.0 assessment item,
    a QTI 1.2 questestinterop (Questionmark, Canvas, Blackboard) or a Moodle XML quiz."""
    bundle = Bundle()
    root, problem = _parse(data, source)
    if problem:
        bundle.problems.append(problem)
        return bundle
    read = _items_in(root, source)
    if read is None:
        bundle.problems.append(Problem(source, "", "", "not a QTI item (QTI 1.2, 2.1, 2.2 or 3.0) or a Moodle XML quiz"))
        return bundle
    label, items, bundle.skipped = read
    for item, where in items:
        bundle.extend(_read_item(item, label, source, where, metadata))
    return bundle


def _items_in(root, source):
    """(the format's name, [(assessmentItem element in QTI 2.x terms, where)], [skips]), or None for
    a document that holds no items Attest reads."""
    name, namespace = local_name(root.tag), root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if name == "assessmentItem" and namespace in QTI_NAMESPACES:
        return ("QTI 2.1" if namespace == QTI else "QTI 2.2"), [(root, None)], []
    if name == "qti-assessment-item" and namespace == qti3.NAMESPACE:
        return "QTI 3.0", [(qti3.to_qti2(root), None)], []
    if name == "questestinterop":
        return "QTI 1.2", *qti1.items(root, source)
    if name == "quiz" and not namespace:
        return "Moodle XML", *moodle_xml.items(root, source)
    return None


def _read_item(root, label, source, where, metadata):
    """One assessmentItem, in QTI 2.x terms, into a Bundle."""
    bundle = Bundle()
    identifier = root.get("identifier", "").strip()
    if not identifier:
        bundle.problems.append(Problem(source, where or "assessmentItem", "identifier", "is required"))
        return bundle
    where = where or f"item {identifier}"
    structure = structure_problems(root)
    if structure:
        bundle.problems += [Problem(source, where, label, problem) for problem in structure]
        return bundle
    ns = root.tag.split("}")[0] + "}"
    whole_body = root.find(f"{ns}itemBody")
    if whole_body is None:
        bundle.problems.append(Problem(source, where, "itemBody", "is missing"))
        return bundle
    body = candidate_copy(whole_body)
    interactions = [element for element in body.iter() if local_name(element.tag).endswith("Interaction")]
    kind = next((kind for kind in KINDS.values() if kind.reads_qti(interactions)), None)
    if kind is None:
        names = ", ".join(sorted({local_name(element.tag) for element in interactions})) or "no interaction"
        skip = Problem(source, where, "interaction", f"{names} is not supported; item not imported")
        content, problems = None, []
    else:
        declarations = {decl.get("identifier"): decl for decl in root.findall(f"{ns}responseDeclaration")}
        scorer_rubrics = [block for block in whole_body.iter(f"{ns}rubricBlock")
                          if "scorer" in block.get("view", "").split()]
        content, problems, skip = kind.read_qti(
            Found(root, ns, body, interactions, declarations, scorer_rubrics, source, where))
    if skip:
        bundle.skipped.append(skip)
        return bundle
    if problems:
        bundle.problems += problems
        return bundle
    version = IncomingVersion(number=1, status="draft", content=content)
    item = IncomingItem(identifier=identifier, kind=kind.name, versions=[version], origin=source, where=where)
    wrong_version = _apply_metadata(item, version, metadata) if metadata is not None else None
    if wrong_version:
        bundle.problems.append(Problem(source, where, "version", wrong_version))
        return bundle
    bundle.items.append(item)
    return bundle


def read_package(archive, source):
    """A QTI content package (.zip with imsmanifest.xml) into a Bundle."""
    members = {member.filename: member for member in archive.infolist()}
    if "imsmanifest.xml" not in members:
        return Bundle(problems=[Problem(source, "", "imsmanifest.xml", "is missing: not a QTI content package")])
    oversized = [too_big(f"{source}/{member.filename}", member.file_size) for member in members.values()
                 if member.filename.lower().endswith(".xml")]
    if any(oversized):
        return Bundle(problems=[problem for problem in oversized if problem])

    def size(href):
        return members[href].file_size if href in members else None

    return _read_manifest(archive.read("imsmanifest.xml"), size, archive.read, source)


def read_folder_package(folder):
    """A folder holding imsmanifest.xml and the files it lists into a Bundle.
    Only files inside the folder are read: a link that leads out of it counts
    as missing, as a path outside it would."""
    inside = folder.resolve()

    def size(href):
        try:
            path = (folder / href).resolve()
            return path.stat().st_size if path.is_relative_to(inside) and path.is_file() else None
        except OSError:  # a name too long for the file system, a loop of links
            return None

    manifest = folder / "imsmanifest.xml"
    if size("imsmanifest.xml") is None:
        return Bundle(problems=[Problem(str(manifest), "", "", "is not a file inside the folder")])
    oversized = too_big(str(manifest), size("imsmanifest.xml"))
    if oversized:
        return Bundle(problems=[oversized])
    return _read_manifest(manifest.read_bytes(), size, lambda href: (folder / href).read_bytes(), str(folder))


def too_big(source, size):
    """The problem with an item file of `size` bytes, or None when it is within MAX_XML_BYTES."""
    if size <= MAX_XML_BYTES:
        return None
    return Problem(source, "", "", f"holds {size / 1024 / 1024:.1f} MB of XML; an item's XML may be "
                                   f"{MAX_XML_BYTES // 1024 // 1024} MB at most")


def _read_manifest(data, size, read, source):
    """The items a manifest lists. `size(href)` is a listed file's size, None
    when the package does not hold it; `read(href)` its bytes. Every listed
    file is checked before any is parsed: each is in the package, listed once,
    and all together are within an import's budget."""
    bundle = Bundle()
    manifest_source = f"{source}/imsmanifest.xml"
    root, problem = _parse(data, manifest_source)
    if problem:
        bundle.problems.append(problem)
        return bundle
    # QTI 2.x, QTI 3.0 and Canvas's QTI 1.2 packages each name the manifest's namespace differently.
    cp = root.tag.split("}")[0] + "}" if root.tag.startswith("{") else ""
    listed = _listed_items(root, cp, size, source, bundle.problems)
    bundle.problems += [problem for href, _ in listed if (problem := too_big(f"{source}/{href}", size(href)))]
    if bundle.problems:
        return bundle
    too_much = too_many_versions(len(listed)) or too_much_to_parse(sum(size(href) for href, _ in listed))
    if too_much:
        bundle.problems.append(Problem(manifest_source, "", "resources", too_much))
        return bundle
    for href, resource in listed:
        bundle.extend(read_item_file(read(href), f"{source}/{href}", metadata=resource.find(f"{cp}metadata")))
    _merge_versions(bundle)
    if not bundle.items and not bundle.problems and not bundle.skipped:
        bundle.problems.append(Problem(manifest_source, "", "resources", "lists no QTI items"))
    return bundle


def _listed_items(root, cp, size, source, problems):
    """(href, resource) for each item resource; a problem for each href that
    is not a file of the package or that an earlier resource lists already."""
    manifest_source = f"{source}/imsmanifest.xml"
    listed, first_listed = [], {}
    resources = root.find(f"{cp}resources")
    for resource in resources.findall(f"{cp}resource") if resources is not None else []:
        if not resource.get("type", "").startswith(QTI_RESOURCE_TYPES):
            continue
        where = f"resource {resource.get('identifier')}"
        first_file = resource.find(f"{cp}file")
        raw = resource.get("href") or (first_file.get("href", "") if first_file is not None else "")
        href = posixpath.normpath(raw) if raw else ""
        if not href or href.startswith("/") or href == ".." or href.startswith("../"):
            problems.append(Problem(manifest_source, where, "href", f"{raw!r} is not a path inside the package"))
        elif href in first_listed:
            problems.append(Problem(manifest_source, where, "href",
                                    f"{href!r} is also listed by {first_listed[href]}: a file is one item"))
        elif size(href) is None:
            problems.append(Problem(manifest_source, where, "href", f"{href!r} is not in the package"))
        else:
            first_listed[href] = where
            listed.append((href, resource))
    return listed


def _apply_metadata(item, version, metadata):
    """Read the manifest's metadata into the item; what is wrong with its version number, or None."""
    attest = metadata.find(f"{{{ATTEST}}}item") if metadata is not None else None
    if attest is not None:
        number = attest.get("version", "1").strip()
        if not number.isdigit() or int(number) < 1:
            return f"{number!r} in the manifest's metadata is not a version number (1, 2, ...)"
        version.number = int(number)
        version.status = attest.get("status", "draft")
        version.primary_domain = attest.get("primary-domain") or None
        version.secondary_domains = [e.text for e in attest.findall(f"{{{ATTEST}}}secondary-domain")]
        version.tags = [e.text for e in attest.findall(f"{{{ATTEST}}}tag")]
        version.source = attest.findtext(f"{{{ATTEST}}}source", "")
        version.notes = attest.findtext(f"{{{ATTEST}}}notes", "")
        version.author = attest.get("author") or None
        item.enemies = [e.text for e in attest.findall(f"{{{ATTEST}}}enemy")]
        if "references" in version.content:
            version.content["references"] = [e.text for e in attest.findall(f"{{{ATTEST}}}reference")]
        return
    if metadata is None:
        return
    version.tags = [text_of(k) for k in metadata.iter(f"{{{LOM}}}keyword")]
    taxa = [t.findtext(f"{{{LOM}}}id", "").strip() for t in metadata.iter(f"{{{LOM}}}taxon")]
    taxa = [taxon for taxon in taxa if taxon]
    if taxa:
        version.primary_domain, version.secondary_domains = taxa[0], taxa[1:]


def _merge_versions(bundle):
    """Files that hold versions of one item (its identifier and kind, each a
    version number of its own) become one item with several versions. A file
    whose identifier another item holds stays an item of its own: the plan
    imports it under a new identifier."""
    merged, items = {}, []
    for item in bundle.items:
        into = merged.get(item.identifier)
        if into is not None and into.kind == item.kind and item.versions[0].number not in {
            version.number for version in into.versions
        }:
            into.versions += item.versions
            into.versions.sort(key=lambda version: version.number)
        else:
            merged.setdefault(item.identifier, item)
            items.append(item)
    bundle.items = items


# Writing

def item_document(version, qti_version="2.1"):
    """One item version as a QTI assessment item document (bytes): a QTI 2.1
    assessmentItem, or for "3.0" a QTI 3.0 qti-assessment-item."""
    item, content = version.item, version.content
    root = ET.Element(f"{{{QTI}}}assessmentItem", {
        f"{{{XSI}}}schemaLocation": QTI_SCHEMA_LOCATION,
        "identifier": item.identifier, "title": _title(version), "adaptive": "false", "timeDependent": "false",
    })
    kind_of(item.kind).write_qti(root, content)
    if qti_version == "3.0":
        root = qti3.from_qti2(root)
        root.set(f"{{{XSI}}}schemaLocation", qti3.SCHEMA_LOCATION)
    ET.indent(root)
    return _serialise(root, qti3.NAMESPACE if qti_version == "3.0" else None)


def _serialise(root, default_namespace=None):
    """The document's bytes. ElementTree keeps one prefix per namespace for
    the whole process, "" being QTI 2.1's, and cannot make another namespace
    the default while attributes are unqualified; so a QTI 3.0 document is
    written with its registered prefix, which is then dropped. The prefix
    cannot occur elsewhere: a "<" in text or an attribute is escaped."""
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    if default_namespace is None:
        return data
    prefix = PREFIXES[default_namespace].encode()
    data = re.sub(rb"<(/?)" + prefix + rb":", rb"<\1", data)
    return data.replace(b"xmlns:" + prefix + b"=", b"xmlns=", 1)


def _title(version):
    text = " ".join((kind_of(version.item.kind).summary(version.content) or version.item.identifier).split())
    return text if len(text) <= 80 else text[:77] + "..."


def _metadata(parent, version, enemies, cp=CP):
    metadata = add_element(parent, f"{{{cp}}}metadata")
    attributes = {"identifier": version.item.identifier, "version": version.number, "status": version.status}
    if version.primary_domain:
        attributes["primary_domain"] = version.primary_domain.code
    if version.author:
        attributes["author"] = version.author.email
    attest = add_element(metadata, f"{{{ATTEST}}}item", **attributes)
    for domain in version.secondary_domains:
        add_element(attest, f"{{{ATTEST}}}secondary-domain", domain.code)
    for tag in version.tags:
        add_element(attest, f"{{{ATTEST}}}tag", tag)
    for enemy in enemies:
        add_element(attest, f"{{{ATTEST}}}enemy", enemy.identifier)
    for reference in version.content.get("references", []):
        add_element(attest, f"{{{ATTEST}}}reference", reference)
    if version.source:
        add_element(attest, f"{{{ATTEST}}}source", version.source)
    if version.notes:
        add_element(attest, f"{{{ATTEST}}}notes", version.notes)


QTI_VERSIONS = ("2.1", "3.0")
# The manifest's namespace and an item resource's type, by QTI version.
PACKAGING = {"2.1": (CP, "imsqti_item_xmlv2p1"), "3.0": (qti3.MANIFEST_NAMESPACE, qti3.RESOURCE_TYPE)}


def package(items, enemies_of, qti_version="2.1"):
    """The items, every version, as a QTI 2.1 or 3.0 content package (.zip bytes)."""
    cp, resource_type = PACKAGING[qti_version]
    manifest = ET.Element(f"{{{cp}}}manifest", {"identifier": "ATTEST-ITEM-BANK"})
    add_element(manifest, f"{{{cp}}}organizations")
    resources = add_element(manifest, f"{{{cp}}}resources")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in items:
            enemies = enemies_of(item)
            for version in item.versions:
                href = f"items/{item.identifier}/v{version.number}.xml"
                resource = add_element(resources, f"{{{cp}}}resource", identifier=f"RES-{item.identifier}-v{version.number}",
                                       type=resource_type, href=href)
                _metadata(resource, version, enemies, cp)
                add_element(resource, f"{{{cp}}}file", href=href)
                archive.writestr(href, item_document(version, qti_version))
        ET.indent(manifest)
        archive.writestr("imsmanifest.xml", _serialise(manifest, cp if qti_version == "3.0" else None))
    return buffer.getvalue()
