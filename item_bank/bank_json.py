"""Attest's native item-bank JSON: reading into a Bundle, writing from the bank.

The format is documented in docs/item-bank-json.md.
"""

import json
import re

from item_bank.bundle import Bundle, IncomingItem, IncomingVersion, Problem, too_many_versions
from item_bank.models import Status

FORMAT = "attest-item-bank"
FORMAT_VERSION = 1


# An item's identifier as the file declares it: a JSON string after "identifier":.
IDENTIFIER = re.compile(r'"identifier"\s*:\s*("(?:[^"\\]|\\.)*")')


def _identifier_lines(text):
    """The lines where each identifier is declared, in file order, found in one
    pass over the text (a search per item would read a large file thousands of times)."""
    lines, line, counted_to = {}, 1, 0
    for match in IDENTIFIER.finditer(text):
        line += text.count("\n", counted_to, match.start())
        counted_to = match.start()
        try:
            lines.setdefault(json.loads(match.group(1)), []).append(line)
        except ValueError:
            continue
    return lines


def _where(lines, identifier, index):
    """Where an item is, to point a reader at it: the next unclaimed line that
    declares its identifier, so that two items sharing one are told apart."""
    declared = lines.get(identifier) if identifier else None
    line = declared.pop(0) if declared else None
    label = f"item {identifier}" if identifier else f"items[{index}]"
    return f"line {line}, {label}" if line else label


def read(text, source):
    """Parse one native JSON document into a Bundle; problems name the line."""
    bundle = Bundle()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        bundle.problems.append(Problem(source, f"line {error.lineno}, column {error.colno}", "", f"not valid JSON: {error.msg}"))
        return bundle
    except RecursionError:
        bundle.problems.append(Problem(source, "", "", "not valid JSON for an item bank: nested too deeply"))
        return bundle
    except ValueError as error:  # a number with thousands of digits
        bundle.problems.append(Problem(source, "", "", f"not valid JSON for an item bank: {error}"))
        return bundle
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        bundle.problems.append(Problem(source, "line 1", "format", f'must be "{FORMAT}"'))
        return bundle
    if document.get("version") != FORMAT_VERSION:
        bundle.problems.append(Problem(source, "line 1", "version", f"must be {FORMAT_VERSION}"))
        return bundle
    for index, entry in enumerate(document.get("domains", [])):
        if not isinstance(entry, dict) or not isinstance(entry.get("code"), str) or not isinstance(entry.get("name"), str):
            bundle.problems.append(Problem(source, f"domains[{index}]", "code", "each domain needs a code and a name"))
            continue
        bundle.domains.append({"code": entry["code"], "name": entry["name"],
                               "description": entry.get("description", ""), "origin": source,
                               "where": f"domains[{index}]"})
    items = document.get("items")
    if not isinstance(items, list):
        bundle.problems.append(Problem(source, "", "items", "must be a list"))
        return bundle
    too_many = too_many_versions(sum(_version_count(entry) for entry in items))
    if too_many:
        bundle.problems.append(Problem(source, "", "items", too_many))
        return bundle
    lines = _identifier_lines(text)
    for index, entry in enumerate(items):
        item = _read_item(entry, index, lines, source, bundle.problems)
        if item is not None:
            bundle.items.append(item)
    return bundle


def _version_count(entry):
    versions = entry.get("versions") if isinstance(entry, dict) else None
    return len(versions) if isinstance(versions, list) else 1


def _read_item(entry, index, lines, source, problems):
    identifier = entry.get("identifier") if isinstance(entry, dict) else None
    where = _where(lines, identifier if isinstance(identifier, str) else None, index)

    def problem(field, message):
        problems.append(Problem(source, where, field, message))

    if not isinstance(entry, dict):
        problem("", "each item must be an object")
        return None
    if not isinstance(identifier, str) or not identifier.strip():
        problem("identifier", "is required")
        return None
    versions = entry.get("versions")
    if not isinstance(versions, list) or not versions:
        problem("versions", "needs at least one version")
        return None
    incoming = []
    for position, version in enumerate(versions):
        label = f"versions[{position}]"
        if not isinstance(version, dict) or not isinstance(version.get("content"), dict):
            problem(f"{label}.content", "is required")
            continue
        number = version.get("number", position + 1)
        status = version.get("status", Status.DRAFT.value)
        if not isinstance(number, int) or number < 1:
            problem(f"{label}.number", "must be a whole number from 1")
            continue
        if status not in {s.value for s in Status}:
            problem(f"{label}.status", f"{status!r} is not one of {', '.join(s.value for s in Status)}")
            continue
        if not isinstance(version.get("author"), str | None):
            problem(f"{label}.author", "must be text: the author's email or name")
            continue
        incoming.append(
            IncomingVersion(
                number=number,
                status=status,
                content=version["content"],
                primary_domain=version.get("primary_domain"),
                secondary_domains=list(version.get("secondary_domains", [])),
                tags=list(version.get("tags", [])),
                source=version.get("source", ""),
                notes=version.get("notes", ""),
                author=version.get("author"),
            )
        )
    return IncomingItem(
        identifier=identifier.strip(),
        kind=entry.get("kind", ""),
        versions=incoming,
        enemies=list(entry.get("enemies", [])),
        origin=source,
        where=where,
    )


def dump(items, domains, enemies_of):
    """The bank as a native JSON document (a dict); `enemies_of(item)` lists an item's enemies."""
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "domains": [{"code": d.code, "name": d.name, "description": d.description} for d in domains],
        "items": [
            {
                "identifier": item.identifier,
                "kind": item.kind,
                "enemies": [enemy.identifier for enemy in enemies_of(item)],
                "versions": [_dump_version(version) for version in item.versions],
            }
            for item in items
        ],
    }


def _dump_version(version):
    return {
        "number": version.number,
        "status": version.status,
        "primary_domain": version.primary_domain.code if version.primary_domain else None,
        "secondary_domains": [domain.code for domain in version.secondary_domains],
        "tags": version.tags,
        "author": version.author.email if version.author else None,
        "source": version.source,
        "notes": version.notes,
        "content": version.content,
    }
