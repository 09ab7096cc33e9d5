"""The cut equated from a parallel form, through the test client: shown on
the form page beside the policy and Angoff cuts with its bootstrap SE, and
adopted through key review (preview, rescore with the equated cut's reason,
audited, in the history, released again)."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from accounts.roles import Role
from analysis import equated_cuts, standard_setting
from analysis.models import EquatedCuts
from audit.models import AuditEntry
from exam import sessions
from exam.models import ScoringRevision
from item_bank.assembly import assemble_forms, publish_form
from results import release, rescoring
from results.matrices import keyed_items
from tests.exam_fixtures import BY, T0
from tests.results.test_rescoring import proposal, sitter

PER_SCORE = 10  # candidates on each total score


def page(response):
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def sit(create_user, db):
    return sitter(create_user, db)


@pytest.fixture
def parallel(exam_form, sit, db):
    """EXAM-T and EXAM-U, built from the same blueprint, each sat by 30
    candidates: totals 1, 2, 3 on EXAM-U and 0, 1, 2 on EXAM-T, ten of each,
    so EXAM-T is exactly one point harder."""
    (other,) = assemble_forms(exam_form.blueprint, ["EXAM-U"], BY, seed=8)
    publish_form(other, BY)
    sittings = {}
    for form, patterns in ((other, ["+xx", "++x", "+++"]), (exam_form, ["xxx", "+xx", "++x"])):
        session = sessions.create_session(f"Sitting of {form.code}", form, T0 - timedelta(hours=1),
                                          T0 + timedelta(hours=8), "Room 1", "SIT123", 30, BY)
        db.session.commit()
        for answers in patterns:
            for _ in range(PER_SCORE):
                sit(session, answers)
        sittings[form.code] = session
    return exam_form, other, sittings


def equate(client, form):
    """Equate through the form page's button, as staff do, and read the page."""
    response = client.post(f"/analysis/forms/{form.id}/equate", follow_redirects=True)
    assert response.status_code == 200
    return page(response)


def equated_rows(body):
    table = body[body.index('id="cut-table"'):body.index("</table>", body.index('id="cut-table"'))]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r'<tr class="equated-cut">(.*?)</tr>', table, re.S)]


def test_the_form_page_shows_the_equated_cuts_beside_the_policy_and_angoff_cuts(client, login_as, parallel):
    form, other, _ = parallel
    login_as(Role.PSYCHOMETRICIAN)

    body = equate(client, form)

    # EXAM-U's 80% of 3 is 2.4; one point easier than EXAM-T, so 1.4 here
    # (46.7%) by linear equating (the same SD, means 2 and 1) and by
    # equipercentile: P = 100 (1/3 + .9 x 1/3) = 63.3 on EXAM-U, and EXAM-T's
    # score with that rank is (.633 - .333) / (1/3) + .5 = 1.4.
    rows = equated_rows(body)
    assert rows[0].startswith("Equated from EXAM-U's pass mark (2.40, 80%): linear 1.40 46.7 ")
    assert rows[1].startswith("Equated from EXAM-U's pass mark (2.40, 80%): equipercentile, log-linear "
                              "presmoothing of degree 3 1.40 46.7 ")
    assert rows[2] == ("Equated from EXAM-U's pass mark (2.40, 80%): IRT true-score, 2PL linked by Stocking-Lord "
                       "EXAM-U has 30 submitted attempt(s); IRT needs 100")
    se = float(re.search(r"linear 1\.40 46\.7 ([\d.]+) Preview the results at this cut$", rows[0]).group(1))
    assert 0.05 < se < 0.5  # bootstrapped from 30 candidates a form
    assert re.search(r"Policy cut</th><td class=\"numeric\">2.40</td><td class=\"numeric\">80.0</td>", body)
    assert "No Angoff study of EXAM-T has a cut yet." in body
    assert equated_rows(page(client.get(f"/analysis/forms/{form.id}"))) == rows  # seeded: the same at every visit


def test_a_form_without_parallel_forms_says_so(client, login_as, exam_form):
    login_as(Role.PSYCHOMETRICIAN)

    body = page(client.get(f"/analysis/forms/{exam_form.id}"))

    assert "EXAM-T has no other published form of the same blueprint to equate with." in body


def test_too_few_candidates_are_named_instead_of_a_cut(client, login_as, exam_form, sit, db):
    (other,) = assemble_forms(exam_form.blueprint, ["EXAM-U"], BY, seed=8)
    publish_form(other, BY)
    db.session.commit()
    login_as(Role.PSYCHOMETRICIAN)

    rows = equated_rows(equate(client, exam_form))

    assert rows[0].endswith("linear EXAM-U has 0 submitted attempt(s); equating needs 30")


def test_staff_adopt_the_equated_cut_through_preview_rescore_and_release(app, client, login_as, parallel, db):
    form, _, sittings = parallel
    release.release(sittings["EXAM-T"], T0, BY)
    db.session.commit()
    login_as(Role.PSYCHOMETRICIAN)
    body = equate(client, form)
    adopt = re.findall(r'href="([^"]*/scoring\?[^"]*)">Preview the results at this cut', body)[0]

    review = page(client.get(adopt))

    assert re.search(r'<input[^>]*name="pass_percent"[^>]*value="46.67"', review)
    assert "equated cut from EXAM-U (linear)</textarea>" in review
    fields = dict(re.findall(r'name="(items-\d+-(?:form_item_id|keys|weight))"[^>]*value="([^"]*)"', review))
    data = {**fields, "pass_percent": "46.67", "reason": "equated cut from EXAM-U (linear)"}
    preview = page(client.post(f"/analysis/forms/{form.id}/scoring", data=data))
    # EXAM-T's totals are 0, 1 and 2: no one reaches 80% of 3 (2.4); the ten on 2 reach 1.4.
    assert "Pass mark 80% to 46.67%" in preview
    assert re.search(r"<strong>10</strong> of 30 candidates' pass/fail", preview)

    rescored = client.post(f"/analysis/forms/{form.id}/scoring", data={**data, "confirm": "yes"})

    assert rescored.status_code == 302
    revision = db.session.scalars(select(ScoringRevision).where(ScoringRevision.form_id == form.id)
                                  .order_by(ScoringRevision.number.desc())).first()
    assert (revision.number, revision.pass_percent, revision.reason) == (1, 46.67, "equated cut from EXAM-U (linear)")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "form.rescored")).one()
    assert entry.details["reason"] == "equated cut from EXAM-U (linear)" and entry.details["passes_now"] == 10
    history = page(client.get(f"/analysis/forms/{form.id}/scoring"))
    assert "<td>46.67%</td><td>equated cut from EXAM-U (linear)</td>" in history
    assert "Release again" in history
    released = client.post(f"/results/sessions/{sittings['EXAM-T'].id}/release",
                           data={"back": f"/analysis/forms/{form.id}/scoring"})
    assert released.status_code == 302
    assert "Release again" not in page(client.get(f"/analysis/forms/{form.id}/scoring"))
    assert "46.7" in page(client.get(f"/analysis/forms/{form.id}"))



def test_the_latest_angoff_cut_stands_beside_them(client, login_as, create_user, exam_form, db):
    study = standard_setting.create_study(exam_form, "Mentor cut panel", T0, BY)
    panelist = create_user("item_writer", email="panelist@example.org")
    standard_setting.add_panelist(study, "panelist@example.org", BY)
    ratings = {f"rating-{form_item.id}": percent for (_, form_item), percent in zip(keyed_items(exam_form),
                                                                                   ("60", "70", "80"))}
    assert standard_setting.save_ratings(study, panelist, 1, ratings, T0, BY) == []
    db.session.commit()
    login_as(Role.PSYCHOMETRICIAN)

    body = re.sub(r"<[^>]+>", " ", page(client.get(f"/analysis/forms/{exam_form.id}")))

    # The sum of the mean ratings: .6 + .7 + .8 = 2.1 of 3, 70%.
    assert re.search(r"Angoff cut \( Mentor cut panel \)\s+2\.10\s+70\.0", body)


@pytest.fixture
def equating_runs(monkeypatch):
    """The reference forms equated to a form, one entry per equating, in order."""
    runs = []
    equate = equated_cuts.equated_cuts

    def counted(reference, this):
        runs.append(reference.form.code)
        return equate(reference, this)

    monkeypatch.setattr(equated_cuts, "equated_cuts", counted)
    return runs


def test_the_page_reads_the_stored_cuts_and_never_equates(client, login_as, parallel, equating_runs, statements, db):
    form, _, _ = parallel
    login_as(Role.PSYCHOMETRICIAN)
    before = page(client.get(f"/analysis/forms/{form.id}"))
    first = equated_rows(equate(client, form))

    with statements() as run:
        second = page(client.get(f"/analysis/forms/{form.id}"))

    assert "have not been equated to EXAM-T yet" in before and equated_rows(before) == []
    assert equated_rows(second) == first
    assert first[0].startswith("Equated from EXAM-U's pass mark (2.40, 80%): linear 1.40 46.7 ")
    assert equating_runs == ["EXAM-U"]  # the button's, stored
    assert not [statement for statement in run if "responses" in statement]
    assert not [statement for statement in run if statement.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "form.cuts_equated")).one()
    assert entry.details == {"references": ["EXAM-U"], "cuts": 3}


def test_a_new_attempt_or_a_rescoring_is_named_and_stops_adoption_until_equated_again(
        client, login_as, parallel, sit, equating_runs, db):
    form, other, sittings = parallel
    login_as(Role.PSYCHOMETRICIAN)
    equated = equate(client, form)

    for _ in range(PER_SCORE):
        sit(sittings["EXAM-U"], "+++")  # EXAM-U's mean rises from 2 to 2.25
    rescoring.rescore(other, rescoring.propose(other, proposal(other), 50), "The board lowered the pass mark.", T0, BY)
    db.session.commit()
    stale = page(client.get(f"/analysis/forms/{form.id}"))
    again = equate(client, form)

    assert "Preview the results at this cut" in equated
    # As they were, never recomputed by a visit, and offered to no one.
    assert equated_rows(stale) == [row.removesuffix(" Preview the results at this cut") for row in equated_rows(equated)]
    assert "Since then EXAM-U was rescored; EXAM-U has 10 more submitted attempt(s)" in stale
    assert "Preview the results at this cut" not in stale
    assert equating_runs == ["EXAM-U"] * 2
    assert equated_rows(again)[0].startswith("Equated from EXAM-U's pass mark (1.50, 50%): linear ")
    assert "Preview the results at this cut" in again


def test_equating_again_replaces_the_stored_cuts(parallel, db):
    form, other, _ = parallel
    first = equated_cuts.equate(form, T0, BY)
    db.session.commit()

    second = equated_cuts.equate(form, T0 + timedelta(minutes=1), BY)
    db.session.commit()

    assert db.session.scalars(select(EquatedCuts)).all() == [first] and second is first
    assert first.computed_at == T0 + timedelta(minutes=1)
