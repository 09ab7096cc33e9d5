"""The Mentor requirement rules on hand-made portfolios: each rule at, just
under and just over its threshold, overlapping work, reflective supervision
spread over 11, 12, 24 and 25 months, references with 5 and 6 "not enough
information" answers."""

import re
from dataclasses import replace
from datetime import date, timedelta

import pytest

from competencies.definitions import bundled
from competencies.evidence import Education, Portfolio, Reference, Supervision, Training, Work
from competencies.rules import SECOND_PERSON, THIRD_PERSON, WORDING, add_months, evaluate, merged_days

TODAY = date(2026, 11, 24)
MENTOR = bundled()["mentor"]
CLINICAL, POLICY, RESEARCH = (MENTOR.categories[code] for code in ("clinical", "policy", "research_faculty"))


def monthly_log(months, total_hours=50.0, start=date(2023, 1, 15)):
    """Sessions on the same day of every month from `start` over `months` months, `total_hours` in all."""
    days = [add_months(start, month) for month in range(months + 1)]
    return tuple(Supervision(day, total_hours / len(days)) for day in days)


def years_ago(years, kind, **fields):
    return Work(kind, TODAY - timedelta(days=round(years * 365.25)), None, **fields)


COMPLETE = Portfolio(
    education=(Education("MSW", transcript=True),),
    training=(Training(date(2024, 3, 1), "Association", 20, ("TF", "DSS")), Training(date(2025, 3, 1), "University", 10, ("RF",))),
    work=(years_ago(5, "imh_services", supervised=True),
          years_ago(3.5, "rsc_leadership", activities=("Provide reflective supervision or consultation to IMH practitioners",))),
    supervision=monthly_log(12),
    references=(Reference("program_supervisor", "III", True, level_verified=True),
                Reference("rsc_provider", "IV", True, level_verified=True), Reference("supervisee", None, True)),
    ethics_version="2026",
    membership_expires=date(2027, 6, 30),
    exam_outcome="pass",
)


def result(category, portfolio, kind):
    return next(r for r in evaluate(category, portfolio, TODAY) if r.kind == kind)


def test_a_complete_clinical_portfolio_meets_every_requirement():
    results = evaluate(CLINICAL, COMPLETE, TODAY)

    assert [r.kind for r in results] == ["education", "training", "work_experience", "reflective_supervision",
                                         "references", "ethics", "membership", "exam"]
    assert [(r.kind, r.missing) for r in results if not r.met] == []


@pytest.mark.parametrize("hours, met", [(29.5, False), (30, True), (30.5, True)])
def test_training_needs_thirty_clock_hours(hours, met):
    portfolio = replace(COMPLETE, training=(Training(date(2025, 1, 1), "Association", hours, ("TF",)),))

    checked = result(CLINICAL, portfolio, "training")

    assert checked.met is met
    assert checked.missing == ([] if met else ["29.5 of 30 clock hours: add 0.5 more"])


def test_a_category_can_ask_for_hours_on_a_topic():
    category = replace(CLINICAL, requirements=[{"kind": "training", "title": "Training", "min_hours": 30,
                                                "topic_minimums": {"providing reflective supervision": 6}}])
    portfolio = replace(COMPLETE, training=(Training(date(2025, 1, 1), "A", 26), Training(
        date(2025, 2, 1), "B", 5, topic="providing reflective supervision")))

    assert evaluate(category, portfolio, TODAY)[0].missing == [
        "5 of 6 hours on providing reflective supervision: add 1 more"]


@pytest.mark.parametrize("education, missing", [
    ((), ["add a degree (MA, MS, MEd, EdD, MSW, MSN, PsyD, PhD, DO, MD, or another degree specific to infant "
          "mental health) or a post-graduate certificate program"]),
    ((Education("MSW"),), ["MSW: upload the official transcript"]),
    ((Education("MA in Child Life", transcript=True),),
     ["MA in Child Life: a degree outside the list waits for a coordinator to accept it"]),
    ((Education("MA in Child Life", transcript=True, accepted=False),),
     ["MA in Child Life: a coordinator did not accept this degree"]),
])
def test_education_says_what_is_missing(education, missing):
    checked = result(CLINICAL, replace(COMPLETE, education=education), "education")

    assert (checked.met, checked.missing) == (False, missing)


@pytest.mark.parametrize("education", [
    (Education("MA in Child Life", transcript=True, accepted=True),),
    (Education("IMH graduate certificate", kind="certificate", transcript=True),),
    (Education("MSW"), Education("phd", transcript=True)),
])
def test_education_is_met_by_a_listed_accepted_or_certificate_program_with_transcript(education):
    assert result(CLINICAL, replace(COMPLETE, education=education), "education").met


@pytest.mark.parametrize("years, met", [(2.95, False), (3.0, True), (3.05, True)])
def test_policy_needs_three_years_of_leadership(years, met):
    portfolio = replace(COMPLETE, work=(years_ago(years, "policy_leadership", activities=("Publish policy briefs",)),))

    assert result(POLICY, portfolio, "work_experience").met is met


def test_overlapping_periods_count_once():
    overlapping = (Work("research_faculty_leadership", date(2022, 1, 1), date(2024, 1, 1), activities=("Teach",)),
                   Work("research_faculty_leadership", date(2023, 1, 1), date(2024, 6, 30)))
    checked = result(RESEARCH, replace(COMPLETE, work=overlapping), "work_experience")

    assert merged_days([(w.start, w.end) for w in overlapping], TODAY) == (date(2024, 6, 30) - date(2022, 1, 1)).days
    assert checked.met is False
    assert checked.missing[0].endswith("2.5 of 3 years; about 6 more month(s)")


def test_clinical_work_needs_supervised_services_and_leadership_with_activities():
    work = (years_ago(5, "imh_services", supervised=False), years_ago(4, "rsc_leadership"))

    missing = result(CLINICAL, replace(COMPLETE, work=work), "work_experience").missing

    assert len(missing) == 2
    assert missing[0].startswith("Post-graduate, supervised, relationship-focused") and "0.0 of 2 years" in missing[0]
    assert missing[1].endswith("name your leadership activities")


@pytest.mark.parametrize("months, met", [(11, False), (12, True), (24, True), (25, False)])
def test_fifty_hours_of_reflective_supervision_within_one_to_two_years(months, met):
    checked = result(CLINICAL, replace(COMPLETE, supervision=monthly_log(months)), "reflective_supervision")

    assert checked.met is met


@pytest.mark.parametrize("hours, met", [(49.9, False), (50, True)])
def test_reflective_supervision_needs_fifty_hours(hours, met):
    checked = result(CLINICAL, replace(COMPLETE, supervision=monthly_log(18, hours)), "reflective_supervision")

    assert checked.met is met
    if not met:
        assert checked.missing == ["50 clock hours within a period of 12 to 24 months are needed; 49.9 hours count so far"]


def test_peer_supervision_and_unapproved_providers_do_not_count():
    log = monthly_log(12) + (Supervision(date(2023, 6, 1), 8, peer=True), Supervision(date(2023, 7, 1), 3, approved=False))
    half = tuple(replace(session, hours=session.hours / 2) for session in log[:13]) + log[13:]

    checked = result(CLINICAL, replace(COMPLETE, supervision=half), "reflective_supervision")

    assert checked.met is False
    assert "8 hours of peer supervision do not count" in checked.missing
    assert "3 hours with a supervisor/consultant a coordinator did not approve do not count" in checked.missing


def test_reflective_supervision_is_optional_for_policy():
    assert result(POLICY, replace(COMPLETE, supervision=()), "reflective_supervision").met


@pytest.mark.parametrize("answers, met", [(5, True), (6, False)])
def test_a_reference_with_six_not_enough_information_answers_does_not_count(answers, met):
    references = COMPLETE.references[:2] + (Reference("supervisee", None, True, answers),)

    checked = result(CLINICAL, replace(COMPLETE, references=references), "references")

    assert checked.met is met
    if not met:
        assert "A supervisee or consultee: no reference rating that counts yet" in checked.missing


def test_references_need_an_endorsed_rater_and_the_category_s_relationships():
    unendorsed = tuple(replace(reference, rater_level=None) for reference in COMPLETE.references)
    three_colleagues = (Reference("colleague", "II", True, level_verified=True),) * 3

    assert result(CLINICAL, replace(COMPLETE, references=unendorsed), "references").missing == [
        "at least one rating must come from a rater endorsed at Level II, III, IV"]
    assert not result(CLINICAL, replace(COMPLETE, references=three_colleagues), "references").met
    assert result(POLICY, replace(COMPLETE, references=three_colleagues), "references").met


def test_research_faculty_references_need_a_student():
    references = (Reference("department_chair", "III", True, level_verified=True), Reference("colleague", None, True),
                  Reference("colleague", None, True))

    checked = result(RESEARCH, replace(COMPLETE, references=references), "references")

    assert checked.missing == ["A student the candidate taught or supervised: no reference rating that counts yet"]


def test_a_level_the_rater_only_declares_does_not_count_and_the_checklist_says_who_waits():
    declared = (Reference("program_supervisor", "III", True, rater_name="Dr X"),
                Reference("rsc_provider", "IV", True, rater_name="Dr Y"), Reference("supervisee", None, True))

    checked = result(CLINICAL, replace(COMPLETE, references=declared), "references")

    assert not checked.met
    assert checked.missing == ["waiting for a coordinator to verify the Level III endorsement of Dr X",
                               "waiting for a coordinator to verify the Level IV endorsement of Dr Y"]
    assert any(line.endswith("Dr Y (Level IV, not verified yet)") for line in checked.counted)


def test_a_waived_rating_that_does_not_count_tells_the_candidate_nothing_of_its_answers():
    references = COMPLETE.references[:2] + (Reference("supervisee", None, True, 7, rater_name="Sam", waived=True),)

    checked = result(CLINICAL, replace(COMPLETE, references=references), "references")

    assert "the rating from your supervisee Sam does not count: ask someone else" in checked.missing
    assert not any("7" in line or "not enough information" in line for line in checked.missing)


def test_an_unsubmitted_reference_does_not_count():
    references = COMPLETE.references[:2] + (Reference("supervisee", None, False),)

    assert not result(CLINICAL, replace(COMPLETE, references=references), "references").met


@pytest.mark.parametrize("portfolio_change, missing", [
    ({"ethics_version": None}, ["sign version 2026"]),
    ({"ethics_version": "2020"}, ["you signed version 2020; sign the current version 2026"]),
    ({"membership_expires": None},
     ["add your membership of the association or another infant mental health association"]),
    ({"membership_expires": TODAY - timedelta(days=1)}, ["your membership expired on 2026-11-23: renew it"]),
    ({"exam_outcome": None}, ["sit the written examination"]),
    ({"exam_outcome": "pending"}, ["your examination result is not final yet"]),
    ({"exam_outcome": "fail"}, ["the written examination is not passed yet"]),
])
def test_ethics_membership_and_exam(portfolio_change, missing):
    results = evaluate(CLINICAL, replace(COMPLETE, **portfolio_change), TODAY)

    assert [r.missing for r in results if not r.met] == [missing]


def test_membership_expiring_today_is_current():
    assert result(CLINICAL, replace(COMPLETE, membership_expires=TODAY), "membership").met


def test_add_months_keeps_the_day_or_takes_the_month_s_last():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 11, 15), 14) == date(2025, 1, 15)


def sentences(results):
    return [line for result in results for line in result.missing + result.counted]


def test_the_third_person_speaks_about_the_candidate_and_the_second_to_them():
    empty_but_references = Portfolio(
        ethics_version="2020", membership_expires=TODAY - timedelta(days=1), exam_outcome="pending",
        work=(years_ago(1, "rsc_leadership"),),
        references=(Reference("rsc_provider", "IV", True, rater_name="Riley"),
                    Reference("supervisee", None, True, not_enough_information=6, rater_name="Sam", waived=True)))

    about = sentences(evaluate(CLINICAL, empty_but_references, TODAY, THIRD_PERSON))
    to = sentences(evaluate(CLINICAL, empty_but_references, TODAY, SECOND_PERSON))

    assert not [line for line in about if re.search(r"\byou(r)?\b", line, re.I)]
    assert "the rating from the candidate's supervisee Sam does not count: another reference is needed" in about
    assert "the membership expired on 2026-11-23" in about
    assert "the rating from your supervisee Sam does not count: ask someone else" in to
    assert len(about) == len(to)
    assert all(not re.search(r"\byou(r)?\b", third) for _, third in WORDING.values())
