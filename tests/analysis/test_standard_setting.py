"""Angoff studies at the service level: two rounds (round 1 locked once round
2 opens, round 2 shown the panel's round-1 ratings, each item's proportion
right and the impact of the round-1 cut by form), agreement that a panelist
who has not rated leaves standing, and a rating sheet that never reaches
someone who may sit the form, nor such a panelist a seat."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from accounts.models import UserRole
from accounts.roles import Role
from analysis import standard_setting
from exam import sessions
from exam.models import Enrollment
from item_bank.assembly import assemble_forms, publish_form
from tests.exam_fixtures import BY, T0
from tests.results.test_rescoring import sitter, sr_items

pytestmark = pytest.mark.built_once


@pytest.fixture
def sit(create_user, db):
    return sitter(create_user, db)


@pytest.fixture
def study(exam_session, db):
    return standard_setting.create_study(exam_session.form, "Mentor cut panel", T0, BY)


@pytest.fixture
def panel(study, create_user, db):
    """Three panelists: Ann and Ben rate every item in round 1, Cy nothing yet."""
    members = [create_user(Role.RATER, name=name) for name in ("Ann", "Ben", "Cy")]
    for member in members:
        standard_setting.add_panelist(study, member.email, BY)
    rate(study, members[0], [50, 60, 70])
    rate(study, members[1], [70, 80, 90])
    db.session.commit()
    return members


def rate(study, panelist, values, round_number=1):
    """Save one value per keyed item, in form order; returns the problems."""
    entered = {f"rating-{form_item.id}": str(value) for form_item, value in zip(sr_items(study.form), values)}
    return standard_setting.save_ratings(study, panelist, round_number, entered, T0, BY)


def saved(study, panelist, round_number):
    return [rating.percent for rating in sorted(study.ratings, key=lambda rating: rating.form_item_id)
            if rating.panelist_id == panelist.id and rating.round == round_number]


# Agreement -------------------------------------------------------------------


def test_a_panelist_who_has_not_rated_leaves_the_agreement_of_the_others(study, panel):
    first = standard_setting.result(study).rounds[0].angoff

    # Ann and Ben differ by 20 on every item: perfectly consistent, whatever Cy has not done.
    assert first.agreement_panelists == 2
    assert first.icc_mean == pytest.approx(1.0) and first.icc_single == pytest.approx(1.0)
    assert first.cut_raw == pytest.approx(2.1)


# Rounds ----------------------------------------------------------------------


def test_round_two_ratings_are_refused_before_it_opens(study, panel):
    ann = panel[0]

    assert rate(study, ann, [10, 10, 10], round_number=2) == [
        "Ratings are taken for round 1: round 2 has not opened."]
    assert saved(study, ann, 2) == []


def test_round_one_is_locked_once_round_two_opens(study, panel, db):
    ann = panel[0]
    standard_setting.open_round_two(study, T0, BY)

    assert rate(study, ann, [10, 10, 10], round_number=1) == [
        "Round 2 is open: round-1 ratings are locked and can no longer change."]
    assert saved(study, ann, 1) == [50, 60, 70]
    assert rate(study, ann, [80, 80, 80], round_number=2) == []
    assert saved(study, ann, 2) == [80, 80, 80] and saved(study, ann, 1) == [50, 60, 70]


def test_round_two_needs_a_round_one_cut(study, create_user):
    ann = create_user(Role.RATER, name="Ann")
    standard_setting.add_panelist(study, ann.email, BY)
    rate(study, ann, [50, "", 70])  # question 2 unrated: no cut

    with pytest.raises(standard_setting.StudyRefused, match="round 1 has no cut yet"):
        standard_setting.open_round_two(study, T0, BY)
    assert study.current_round == 1


def test_no_panelist_joins_in_round_two(study, panel, create_user):
    standard_setting.open_round_two(study, T0, BY)
    late = create_user(Role.RATER)

    with pytest.raises(standard_setting.StudyRefused, match="no round 1 to revise"):
        standard_setting.add_panelist(study, late.email, BY)


def test_the_round_two_sheet_shows_round_one_unnamed_and_starts_from_it(study, panel, sit, exam_session):
    ann = panel[0]
    for marks in ("+++", "++-", "+--", "---"):
        sit(exam_session, marks)
    standard_setting.open_round_two(study, T0, BY)

    sheet = standard_setting.rating_sheet(study, ann)

    assert sheet.round == 2
    assert [row.value for row in sheet.rows] == ["50", "60", "70"]  # prefilled with Ann's round 1
    assert [row.round_one for row in sheet.rows] == [50, 60, 70]
    first = sheet.rows[0].panel  # Ann 50, Ben 70; Cy did not rate
    assert (first.mean, first.median, first.low, first.high, first.raters) == pytest.approx((60, 60, 50, 70, 2))
    # Four candidates: the first item right for three, the second for two, the third for one.
    assert [row.proportion_right for row in sheet.rows] == pytest.approx([0.75, 0.5, 0.25])
    assert sheet.round_one_cut.cut_percent == pytest.approx(70.0)


def test_the_impact_of_the_round_one_cut_by_form_of_the_blueprint(study, panel, sit, exam_session, db):
    (sister,) = assemble_forms(exam_session.form.blueprint, ["EXAM-U"], BY, seed=8)
    publish_form(sister, BY)
    sister_session = sessions.create_session("Sister sitting", sister, T0 - timedelta(hours=1),
                                             T0 + timedelta(hours=8), "Room 2", "SIT123", 30, BY)
    for marks in ("+++", "++-", "+--", "---"):
        sit(exam_session, marks)
    for marks in ("+++", "++-"):
        sit(sister_session, marks)
    standard_setting.open_round_two(study, T0, BY)

    impact = standard_setting.rating_sheet(study, panel[0]).impact

    # The round-1 cut is 2.1 of 3 (70%): only a full score passes.
    assert [(row.form.code, row.candidates, row.passing) for row in impact] == [("EXAM-T", 4, 1), ("EXAM-U", 2, 1)]
    assert [row.share for row in impact] == [0.25, 0.5]


def test_the_result_reports_both_rounds_and_recommends_round_two(study, panel):
    ann, ben, _ = panel
    standard_setting.open_round_two(study, T0, BY)
    before = standard_setting.result(study)
    rate(study, ann, [80, 80, 80], round_number=2)
    rate(study, ben, [60, 70, 80], round_number=2)

    after = standard_setting.result(study)

    assert [each.number for each in before.rounds] == [1, 2] and before.rounds[1].angoff is None
    assert before.recommended.number == 1 and before.angoff.cut_raw == pytest.approx(2.1)
    assert [each.angoff.cut_raw for each in after.rounds] == pytest.approx([2.1, 2.25])
    assert after.recommended.number == 2 and after.angoff.cut_percent == pytest.approx(75.0)
    assert after.rounds[1].rated == [3, 3, 0]


# Who may see a rating sheet, and sit the form ---------------------------------


def give_candidate_role(user, db):
    user.role_rows.append(UserRole(role=Role.CANDIDATE.value))
    db.session.flush()


def test_a_panelist_who_becomes_a_candidate_is_refused_the_sheet(study, panel, db):
    ann = panel[0]
    give_candidate_role(ann, db)

    refusal = standard_setting.sheet_refusal(study, ann)

    assert "your account holds the candidate role" in refusal
    assert rate(study, ann, [10, 10, 10]) == [refusal]
    assert saved(study, ann, 1) == [50, 60, 70]
    assert standard_setting.studies_for_panelist(ann) == []
    assert standard_setting.result(study).refusals == [refusal, None, None]


def test_a_panelist_enrolled_to_sit_the_form_is_refused_the_sheet(study, panel, exam_session, db):
    ben = panel[1]
    # As an enrolment made before panelists were barred from sitting would be.
    db.session.add(Enrollment(session=exam_session, candidate=ben))
    db.session.flush()

    assert "your account is enrolled in a session of EXAM-T" in standard_setting.sheet_refusal(study, ben)
    assert rate(study, ben, [10, 10, 10]) != []


def test_a_panelist_of_an_open_study_is_not_enrolled_on_its_form(study, panel, exam_session, db):
    ann = panel[0]
    give_candidate_role(ann, db)

    barred = (f"Ann ({ann.email}) is a panelist of 'Mentor cut panel', an open Angoff study of EXAM-T, and has "
              "seen its keys: a panelist may not sit the form")

    with pytest.raises(sessions.SessionError) as refused:
        sessions.enroll(exam_session, ann, BY)
    assert str(refused.value) == barred
    assert sessions.read_roster(exam_session, ann.email).problems == [f"the list, line 1: {barred}"]
    assert db.session.scalars(select(Enrollment).where(Enrollment.candidate_id == ann.id)).all() == []

    standard_setting.close_study(study, T0, BY)
    assert sessions.enroll(exam_session, ann, BY).candidate_id == ann.id

