"""The demo's item statistics as its psychometrician reads them: the
miskeyed question (analysis/demo.py) has no 2PL numbers, and says why."""

import html

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


def test_the_miskeyed_question_is_not_estimable_instead_of_b_40(demo):
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
    assert miskeyed.details["irt"] == {"not_estimable": NOT_ESTIMABLE}
    assert f"not estimable: {NOT_ESTIMABLE}" in item_page and "Item characteristic curve" not in item_page
    assert form_page.count(f'title="{NOT_ESTIMABLE}">not estimable') == 2  # its a and b cells
    # Every other question is calibrated, with standard errors, by a fit that converged.
    assert all(s.irt_se_a is not None for s in statistics if s is not miskeyed)
    irt = form_analysis(form).summary["irt"]
    assert irt["converged"] is True and irt["log_likelihood"] < 0
    assert f"converged in {irt['cycles']} cycles, log-likelihood {irt['log_likelihood']:.2f}" in form_page
