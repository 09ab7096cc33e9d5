"""`flask item-bank ...` from the command line."""

import json
import zipfile

from item_bank.models import Blueprint, Item


def write(tmp_path, name, document):
    path = tmp_path / name
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return str(path)


def bank(*identifiers, key="B"):
    return {"format": "attest-item-bank", "version": 1, "items": [
        {"identifier": identifier, "kind": "selected_response", "versions": [{
            "number": 1, "status": "approved", "primary_domain": "TF",
            "content": {"stem": "Stem?", "options": [{"id": x, "text": x} for x in "ABC"], "key": [key]}}]}
        for identifier in identifiers]}


def test_import_dry_run_then_import_then_export(runner, domains, db, tmp_path):
    path = write(tmp_path, "bank.json", bank("Q-1", "Q-2"))

    dry = runner.invoke(args=["item-bank", "import", path, "--dry-run"])
    assert dry.exit_code == 0 and "2 items would be created" in dry.output and "Dry run: nothing was written." in dry.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Item)) == 0

    real = runner.invoke(args=["item-bank", "import", path])
    assert real.exit_code == 0 and "2 items were created" in real.output

    out = tmp_path / "out.zip"
    exported = runner.invoke(args=["item-bank", "export", "--format", "qti", str(out)])
    assert exported.exit_code == 0 and "Exported 2 items" in exported.output
    assert "imsmanifest.xml" in zipfile.ZipFile(out).namelist()


def test_a_bad_import_exits_1_and_names_every_problem(runner, domains, db, tmp_path):
    path = write(tmp_path, "bank.json", bank("Q-1", "Q-2", key="Z"))

    result = runner.invoke(args=["item-bank", "import", path])

    assert result.exit_code == 1
    assert "item Q-1: versions[0].content.key: names no option: Z" in result.output
    assert "item Q-2: versions[0].content.key: names no option: Z" in result.output
    assert "Nothing imported: 2 problem(s)" in result.output


def test_an_unknown_domain_option_is_refused(runner, domains, tmp_path):
    result = runner.invoke(args=["item-bank", "import", write(tmp_path, "b.json", bank("Q-1")), "--domain", "NOPE"])

    assert result.exit_code == 2 and "no competency domain has the code 'NOPE'" in result.output


def test_load_blueprint_creates_it_or_says_what_is_wrong(runner, domains, db, tmp_path):
    spec = {"name": "Short test", "sections": [{"title": "Only part", "time_limit_minutes": 20,
                                                 "rows": [{"domain": "TF", "kind": "selected_response", "count": 5}]}]}
    good = runner.invoke(args=["item-bank", "load-blueprint", write(tmp_path, "bp.json", spec)])
    spec["name"] = "Broken"
    spec["sections"][0]["rows"][0]["domain"] = "XX"
    bad = runner.invoke(args=["item-bank", "load-blueprint", write(tmp_path, "bad.json", spec)])

    assert good.exit_code == 0 and "Created the blueprint 'Short test': Only part, 5 items" in good.output
    assert bad.exit_code == 1 and "Only part: no competency domain has the code 'XX'" in bad.output
    assert db.session.scalars(db.select(Blueprint.name)).all() == ["Short test"]


def test_import_writes_drafts_unless_statuses_are_kept_and_names_items_it_renames(runner, domains, db, tmp_path):
    from audit.models import AuditEntry
    from item_bank.models import ItemVersion

    document = bank("Q-1", "Q-1")
    document["items"][1]["versions"][0]["content"]["stem"] = "Another?"
    path = write(tmp_path, "bank.json", document)

    dry = runner.invoke(args=["item-bank", "import", path, "--dry-run"])
    kept = runner.invoke(args=["item-bank", "import", path, "--keep-statuses"])

    assert dry.exit_code == 0 and "Every version written is a draft, for review." in dry.output
    assert f"Would import Q-1 as Q-1-2: {path}, line 1, item Q-1: identifier: Q-1 is also used at" in dry.output
    assert kept.exit_code == 0 and "Statuses kept as the file gives them." in kept.output
    assert "Imported Q-1 as Q-1-2" in kept.output
    assert db.session.scalars(db.select(ItemVersion.status)).all() == ["approved", "approved"]
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "item_bank.imported_with_statuses"))
    assert entry.origin.startswith("cli:") and entry.details["kept"] == ["Q-1 v1: approved", "Q-1-2 v1: approved"]
