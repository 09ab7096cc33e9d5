"""The demo's item statistics as its psychometrician reads them: the
miskeyed question (analysis/demo.py) has no 2PL numbers, and says why."""

import html
import re

import pytest
from sqlalchemy import select

from analysis.demo import MISKEYED_QUESTION
from analysis.item_statistics import form_analysis, item_statistics
from extensions import db
from item_bank.models import Form
from tests.conftest import app_for_tests, copy_of_demo, rolled_back, sign_in

NOT_ESTIMABLE = ("its slope runs to the lower bound 0.05: the item does not discriminate, or discriminates the "
                 "wrong way (check its key)")


@pytest.fixture(scope="module")
def demo_app(demo_database, tmp_path_factory):
    copy = copy_of_demo(demo_database, "demo-statistics", tmp_path_factory.mktemp("demo-statistics"))
    with app_for_tests(copy.config()) as app:
        yield app


@pytest.fixture
def demo(demo_app):
    with rolled_back(demo_app):
        yield demo_app


def test_the_miskeyed_question_is_not_estimable_instead_of_b_40(demo, demo_database):
    client = demo.test_client()
    sign_in(client, "psychometrician@example.org", "demo-psychometrician")
    form = db.session.scalar(select(Form).where(Form.code == "MENTOR-B"))
    statistics = item_statistics(form)
    miskeyed = statistics[MISKEYED_QUESTION - 1]

    item_page = html.unescape(client.get(f"/analysis/forms/{form.id}/items/{miskeyed.form_item_id}").get_data(
        as_text=True))
    form_page = html.unescape(client.get(f"/analysis/forms/{form.id}").get_data(as_text=True))

    # Before: a 0.05, b 40.47 (SE 163), shown as estimates.
    assert miskeyed.irt_a is None and miskeyed.irt_b is None and miskeyed.irt_se_b is None
    # Named by its part, as the candidates saw it; the demo's load names it with its bank code too.
    name = f"Part One: selected response, question {MISKEYED_QUESTION}"
    assert f"<h1>{name} <span" in item_page
    assert f"{name} ({miskeyed.item_version.item.identifier}) looks miskeyed" in demo_database.load_output
    assert miskeyed.details["irt"] == {"not_estimable": NOT_ESTIMABLE}
    assert f"not estimable: {NOT_ESTIMABLE}" in item_page and "Item characteristic curve" not in item_page
    assert form_page.count(f'title="{NOT_ESTIMABLE}">not estimable') == 2  # its a and b cells
    # Every other question is calibrated, with standard errors, by a fit that converged.
    assert all(s.irt_se_a is not None for s in statistics if s is not miskeyed)
    irt = form_analysis(form).summary["irt"]
    assert irt["converged"] is True and irt["log_likelihood"] < 0
    assert f"converged in {irt['cycles']} cycles, log-likelihood {irt['log_likelihood']:.2f}" in form_page


def test_the_demo_form_shows_its_rated_part_on_one_scale_with_the_keyed_part(demo):
    client = demo.test_client()
    sign_in(client, "psychometrician@example.org", "demo-psychometrician")
    form = db.session.scalar(select(Form).where(Form.code == "MENTOR-B"))
    rated = form_analysis(form).summary["rated"]

    page = html.unescape(client.get(f"/analysis/forms/{form.id}").get_data(as_text=True))

    # Each of the 240 candidates wrote two of the three vignettes, all rated by the time statistics were computed.
    assert rated["scored"] == 240 and rated["pending"] == 0
    vignettes = rated["vignettes"]
    assert len(vignettes) == 3 and sum(v["n"] for v in vignettes) == 480
    for vignette in vignettes:
        assert sum(vignette["counts"]) + vignette["between"] == vignette["n"]
        assert vignette["item_rest"] > 0.3  # the demo's written quality follows the keyed share
        for criterion in vignette["criteria"]:
            assert criterion["n"] == vignette["n"] and len(criterion["counts"]) == len(criterion["levels"])
            gpcm = criterion["gpcm"]
            assert gpcm["a"] > 0 and gpcm["se_a"] > 0 and len(gpcm["steps"]) == len(criterion["levels"]) - 1
            # A level fewer than five candidates reached is calibrated with its neighbour: no step between them.
            assert [step is None for step in gpcm["steps"]] == [error is None for error in gpcm["se_steps"]]
            assert (gpcm["merged"] is None) == (None not in gpcm["steps"])
    # The demo raters seldom give 0 points.
    assert any((c["gpcm"]["merged"] or "").startswith("0 and 1 calibrated as one: only ")
               for v in vignettes for c in v["criteria"])
    by_vignette = rated["reliability"]["vignettes"]
    assert 0 < by_vignette["stratified"] <= 1 and 0 < by_vignette["part_two"] < by_vignette["alpha"] < 1
    assert rated["gpcm"]["converged"] is True
    assert "Part Two (rated)" in page
    assert re.findall(r'<tr class="vignette">\s*<td>([^<]*)</td>', page) == [
        f"Part Two: vignettes, question {number}" for number in (1, 2, 3)]
    assert f"stratified alpha {by_vignette['stratified']:.3f}" in page
    for criterion in vignettes[0]["criteria"]:
        gpcm = criterion["gpcm"]
        assert f"{gpcm['a']:.2f} ({gpcm['se_a']:.2f})" in page
        shown = ", ".join("joined" if step is None else f"{step:.2f} ({error:.2f})"
                          for step, error in zip(gpcm["steps"], gpcm["se_steps"]))
        assert shown in re.sub("<[^>]+>", "", page)
        if gpcm["merged"]:
            assert gpcm["merged"] in page
