"""IMS QTI 2.1: reading items and content packages into a Bundle, writing them.

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
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from item_bank.bundle import Bundle, IncomingItem, IncomingVersion, Problem, too_many_versions, too_much_to_parse
from item_bank.kinds import KINDS, kind_of
from item_bank.qti_xml import QTI, add_element, local_name, text_of

QTI_NAMESPACES = (QTI, "http://www.imsglobal.org/xsd/imsqti_v2p2")
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
LOM = "http://ltsc.ieee.org/xsd/LOM"
ATTEST = "https://attest.example.org/xsd/item-bank-v1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
QTI_SCHEMA_LOCATION = f"{QTI} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
# An item's XML is a few kilobytes; anything this large is refused unread, so
# a small archive cannot unpack into gigabytes of text to parse.
MAX_XML_BYTES = 5 * 1024 * 1024

for prefix, uri in (("", QTI), ("imscp", CP), ("imsmd", LOM), ("attest", ATTEST), ("xsi", XSI)):
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

    root: ET.Element
    ns: str  # "{namespace}" of the QTI version the document uses
    body: ET.Element
    interactions: list
    declarations: dict  # responseDeclaration elements by identifier
    source: str
    where: str


def read_item_file(data, source, metadata=None):
    """One assessmentItem document into a Bundle."""
    bundle = Bundle()
    root, problem = _parse(data, source)
    if problem:
        bundle.problems.append(problem)
        return bundle
    if local_name(root.tag) != "assessmentItem" or root.tag.split("}")[0].lstrip("{") not in QTI_NAMESPACES:
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
    interactions = [element for element in body.iter() if local_name(element.tag).endswith("Interaction")]
    kind = next((kind for kind in KINDS.values() if kind.reads_qti(interactions)), None)
    if kind is None:
        names = ", ".join(sorted({local_name(element.tag) for element in interactions})) or "no interaction"
        skip = Problem(source, where, "interaction", f"{names} is not supported; item not imported")
        content, problems = None, []
    else:
        declarations = {decl.get("identifier"): decl for decl in root.findall(f"{ns}responseDeclaration")}
        content, problems, skip = kind.read_qti(Found(root, ns, body, interactions, declarations, source, where))
    if skip:
        bundle.skipped.append(skip)
        return bundle
    if problems:
        bundle.problems += problems
        return bundle
    version = IncomingVersion(number=1, status="draft", content=content)
    item = IncomingItem(identifier=identifier, kind=kind.name, versions=[version], origin=source, where=where)
    if metadata is not None:
        _apply_metadata(item, version, metadata)
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
    listed = _listed_items(root, size, source, bundle.problems)
    bundle.problems += [problem for href, _ in listed if (problem := too_big(f"{source}/{href}", size(href)))]
    if bundle.problems:
        return bundle
    too_much = too_many_versions(len(listed)) or too_much_to_parse(sum(size(href) for href, _ in listed))
    if too_much:
        bundle.problems.append(Problem(manifest_source, "", "resources", too_much))
        return bundle
    for href, resource in listed:
        bundle.extend(read_item_file(read(href), f"{source}/{href}", metadata=resource.find(f"{{{CP}}}metadata")))
    _merge_versions(bundle)
    if not bundle.items and not bundle.problems and not bundle.skipped:
        bundle.problems.append(Problem(manifest_source, "", "resources", "lists no QTI items"))
    return bundle


def _listed_items(root, size, source, problems):
    """(href, resource) for each item resource; a problem for each href that
    is not a file of the package or that an earlier resource lists already."""
    manifest_source = f"{source}/imsmanifest.xml"
    listed, first_listed = [], {}
    resources = root.find(f"{{{CP}}}resources")
    for resource in resources.findall(f"{{{CP}}}resource") if resources is not None else []:
        if not resource.get("type", "").startswith("imsqti_item"):
            continue
        where = f"resource {resource.get('identifier')}"
        raw = resource.get("href", "")
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

def item_document(version):
    """One item version as a QTI 2.1 assessmentItem document (bytes)."""
    item, content = version.item, version.content
    root = ET.Element(f"{{{QTI}}}assessmentItem", {
        f"{{{XSI}}}schemaLocation": QTI_SCHEMA_LOCATION,
        "identifier": item.identifier, "title": _title(version), "adaptive": "false", "timeDependent": "false",
    })
    kind_of(item.kind).write_qti(root, content)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _title(version):
    text = " ".join((kind_of(version.item.kind).summary(version.content) or version.item.identifier).split())
    return text if len(text) <= 80 else text[:77] + "..."


def _metadata(parent, version, enemies):
    metadata = add_element(parent, f"{{{CP}}}metadata")
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


def package(items, enemies_of):
    """The items, every version, as a QTI 2.1 content package (.zip bytes)."""
    manifest = ET.Element(f"{{{CP}}}manifest", {"identifier": "ATTEST-ITEM-BANK"})
    add_element(manifest, f"{{{CP}}}organizations")
    resources = add_element(manifest, f"{{{CP}}}resources")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in items:
            enemies = enemies_of(item)
            for version in item.versions:
                href = f"items/{item.identifier}/v{version.number}.xml"
                resource = add_element(resources, f"{{{CP}}}resource", identifier=f"RES-{item.identifier}-v{version.number}",
                                    type="imsqti_item_xmlv2p1", href=href)
                _metadata(resource, version, enemies)
                add_element(resource, f"{{{CP}}}file", href=href)
                archive.writestr(href, item_document(version))
        ET.indent(manifest)
        archive.writestr("imsmanifest.xml", ET.tostring(manifest, encoding="utf-8", xml_declaration=True))
    return buffer.getvalue()
