"""Endorsement definitions are data: the bundled files load, and a file that
does not fit is refused naming the file and the field."""

import json

import pytest

from competencies.definitions import DATA_DIR, DefinitionError, bundled, load


def test_the_mentor_and_specialist_definitions_load():
    definitions = bundled()

    assert {code: definition.level for code, definition in definitions.items()} == {"mentor": "IV",
                                                                                   "specialist": "III"}
    assert list(definitions["mentor"].categories) == ["clinical", "policy", "research_faculty"]
    assert "Leadership in local/state IMH association" in definitions["mentor"].categories["policy"].leadership_activities


def write(tmp_path, data):
    path = tmp_path / "variant.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def mentor_data():
    return json.loads((DATA_DIR / "mentor.json").read_text())


@pytest.mark.parametrize("change, message", [
    (lambda d: d["categories"]["clinical"]["requirements"][1].update(min_hours="thirty"),
     "variant.json: categories.clinical.requirements[1].min_hours: must be int or float"),
    (lambda d: d["categories"]["policy"]["requirements"][0].update(kind="degree"),
     "variant.json: categories.policy.requirements[0].kind: 'degree' is not a requirement kind"),
    (lambda d: d["categories"]["clinical"]["requirements"][2]["periods"][0].pop("min_years"),
     "variant.json: categories.clinical.requirements[2].periods[0].min_years: must be int or float"),
    (lambda d: d["categories"]["clinical"]["requirements"][3].update(required="yes"),
     "variant.json: categories.clinical.requirements[3].required: must be bool"),
    (lambda d: d.update(categories={}), "variant.json: categories: name at least one"),
])
def test_a_definition_that_does_not_fit_is_refused_naming_the_field(tmp_path, change, message):
    data = mentor_data()
    change(data)

    with pytest.raises(DefinitionError) as refused:
        load(write(tmp_path, data))

    assert str(refused.value).startswith(message)


def test_a_file_that_is_not_json_names_the_line(tmp_path):
    with pytest.raises(DefinitionError, match=r"variant.json, line 2: not JSON"):
        load(write(tmp_path, '{"endorsement": "x",\n  oops}'))
