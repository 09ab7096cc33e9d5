"""The runner's bodies: the schema in the OpenAPI document and the reader are one description."""

import pytest

from exam import bodies

SAVE = {"seq": 1, "response": 2, "field": "flag", "value": True}


def test_a_batch_is_read_as_the_saves_it_holds_under_its_tab():
    assert bodies.read_saves({"tab": "t", "saves": [SAVE]}) == ("t", [SAVE])
    assert bodies.read_saves({"saves": []}) == ("", [])
    assert bodies.read_claim({}) == ("", "")
    assert bodies.read_claim({"tab": "new", "resumes": "old"}) == ("new", "old")


@pytest.mark.parametrize("name", bodies.SAVE.schema()["required"])
def test_every_field_the_schema_requires_is_refused_when_left_out(name):
    left_out = {key: value for key, value in SAVE.items() if key != name}

    with pytest.raises(bodies.Malformed, match=rf"^saves\[0\]\.{name} "):
        bodies.read_saves({"saves": [left_out]})


def test_the_schema_requires_what_has_no_default():
    assert bodies.SAVES.schema()["required"] == ["saves"]
    assert "required" not in bodies.CLAIM.schema()
    assert bodies.SAVE.schema()["required"] == list(SAVE)
