"""A candidate's marks (options crossed out, text highlighted): saved per attempt through the save path,
judged by the item's kind, shown back to the candidate, and never seen by raters, scoring or exports."""

import pytest

from accounts.roles import Role
from exam import delivery, presentation, proctoring, saving
from exam.models import SaveRecord
from item_bank.kinds.base import MARKS_MALFORMED, MAX_HIGHLIGHT_OFFSET, MAX_HIGHLIGHTS
from rating import assignment
from tests.conftest import sign_in
from tests.exam.test_saving import NOW, entry
from tests.exam_fixtures import BY, T0
from tests.rating_fixtures import vignette_of

pytestmark = pytest.mark.built_once


def marks(struck=(), highlights=()):
    return {"struck": list(struck), "highlights": [list(span) for span in highlights]}


def test_marks_are_saved_on_the_response_journaled_and_given_back_to_the_candidate(start_attempt, db):
    attempt = start_attempt()
    choice = attempt.responses[0]
    kept = marks(choice.option_order[1:3], [(0, 8), (12, 20)])

    acks = saving.save(attempt, [entry(1, choice, "marks", kept)], "tab", NOW, BY)

    assert [ack.code for ack in acks] == ["saved"]
    assert (choice.marks, choice.answer, choice.answered) == (kept, None, False)
    assert db.session.scalar(db.select(SaveRecord.value).where(SaveRecord.seq == 1)) == kept
    assert presentation.saved_answers(attempt)[0]["marks"] == kept
    assert presentation.section_page(attempt, NOW)["items"][0]["marks"] == kept


def test_the_highest_numbered_marks_win_and_null_clears_them(start_attempt):
    attempt = start_attempt()
    choice = attempt.responses[0]
    newer, older = marks(choice.option_order[:1]), marks(choice.option_order[:2])

    acks = saving.save(attempt, [entry(5, choice, "marks", newer)], "tab", NOW, BY)
    acks += saving.save(attempt, [entry(4, choice, "marks", older)], "tab", NOW, BY)
    assert [ack.code for ack in acks] == ["saved", "stale"] and choice.marks == newer

    assert saving.save(attempt, [entry(6, choice, "marks", None)], "tab", NOW, BY)[0].code == "saved"
    assert choice.marks is None


def test_a_vignettes_scenario_takes_highlights_and_has_no_option_to_cross_out(start_attempt):
    attempt = start_attempt()
    delivery.finish_section(attempt, 1, NOW, BY)
    vignette = attempt.responses[3]

    acks = saving.save(attempt, [entry(1, vignette, "marks", marks(highlights=[(2, 9)])),
                                 entry(2, vignette, "marks", marks(["A"]))], "tab", NOW, BY)

    assert [ack.code for ack in acks] == ["saved", MARKS_MALFORMED]
    assert vignette.marks == marks(highlights=[(2, 9)])


WRONG = {
    "not an object": ("struck A", "marks must be an object with exactly the fields struck and highlights"),
    "a field of its own": ({**marks(), "note": "x"},
                           "marks must be an object with exactly the fields struck and highlights"),
    "a field missing": ({"struck": []}, "marks must be an object with exactly the fields struck and highlights"),
    "struck not a list": ({"struck": "A", "highlights": []}, "marks.struck must be a list of options"),
    "an unknown option": (marks(["Z"]), "marks.struck[0] is not an option of this item, or is named twice"),
    "an option twice": (None, "marks.struck[1] is not an option of this item, or is named twice"),
    "too many highlights": (marks(highlights=[(n, n + 1) for n in range(0, 2 * MAX_HIGHLIGHTS + 2, 2)]),
                            f"marks.highlights must be a list of at most {MAX_HIGHLIGHTS} ranges"),
    "an empty range": (marks(highlights=[(4, 4)]), "marks.highlights[0] must be"),
    "overlapping ranges": (marks(highlights=[(0, 5), (3, 9)]), "marks.highlights[1] must be"),
    "beyond any text": (marks(highlights=[(0, MAX_HIGHLIGHT_OFFSET + 1)]), "marks.highlights[0] must be"),
    "not whole numbers": (marks(highlights=[(0.5, 3)]), "marks.highlights[0] must be"),
    "a boolean": (marks(highlights=[(False, True)]), "marks.highlights[0] must be"),
}


@pytest.mark.parametrize("case", WRONG, ids=list(WRONG))
def test_marks_of_the_wrong_shape_or_size_are_refused_naming_the_field(start_attempt, db, case):
    attempt = start_attempt()
    choice = attempt.responses[0]
    value, reason = WRONG[case]
    if value is None:
        value = marks([choice.option_order[0]] * 2)

    (ack,) = saving.save(attempt, [entry(1, choice, "marks", value)], "tab", NOW, BY)

    assert (ack.code, ack.status) == (MARKS_MALFORMED, "refused")
    assert ack.reason.startswith(reason)
    assert choice.marks is None
    assert db.session.scalar(db.select(SaveRecord.value).where(SaveRecord.seq == 1)) is None  # not kept


def test_marks_from_a_stale_tab_or_while_paused_are_refused_whole_like_answers(start_attempt, db):
    attempt = start_attempt()
    choice = attempt.responses[0]
    crossed = marks(choice.option_order[:1])
    saving.claim(attempt, "other tab", NOW, BY)

    stale = saving.save(attempt, [entry(1, choice, "marks", crossed)], "tab", NOW, BY)
    proctoring.apply(attempt.enrollment, "pause", NOW, BY)
    paused = saving.save(attempt, [entry(2, choice, "marks", crossed)], "other tab", NOW, BY)

    assert [stale[0].code, paused[0].code] == ["stale_tab", "paused"]
    assert choice.marks is None
    assert db.session.scalar(db.select(db.func.count()).select_from(SaveRecord)) == 0


def test_marks_after_the_part_closed_are_refused(start_attempt):
    attempt = start_attempt()
    choice = attempt.responses[0]
    delivery.finish_section(attempt, 1, NOW, BY)

    (ack,) = saving.save(attempt, [entry(1, choice, "marks", marks(choice.option_order[:1]))], "tab", NOW, BY)

    assert ack.code == "section_closed" and choice.marks is None


def test_the_save_endpoint_takes_marks_and_the_claim_gives_them_back(client, start_attempt, time_machine):
    time_machine.move_to(T0, tick=False)
    attempt = start_attempt()
    sign_in(client, attempt.enrollment.candidate.email)
    response_id, option = attempt.responses[0].id, attempt.responses[0].option_order[2]
    address = f"/exam/attempts/{attempt.id}"
    base = client.post(f"{address}/claim", json={"tab": "phone"}).get_json()["seq_base"]
    crossed = marks([option], [(3, 10)])

    saved = client.post(f"{address}/saves", json={"tab": "phone", "saves": [
        {"seq": base + 1, "response": response_id, "field": "marks", "value": crossed}]}).get_json()
    again = client.post(f"{address}/claim", json={"tab": "laptop"}).get_json()

    assert saved["acks"][0]["code"] == "saved"
    assert next(item for item in again["saved"] if item["response"] == response_id)["marks"] == crossed
    page = client.get(address).get_data(as_text=True)
    assert f"""data-marks='{{"highlights": [[3, 10]], "struck": ["{option}"]}}'""" in page


def test_marks_never_reach_raters_scoring_statistics_or_exports(app, sit, create_user, db, time_machine):
    """Everything staff read of a submitted attempt is the same whether the candidate marked it or not."""
    time_machine.move_to(T0, tick=False)  # the pages' CSRF tokens and times are then the same too
    attempt = sit(right=2)
    vignette = vignette_of(attempt)
    rater = create_user(Role.RATER)
    code = assignment.assign(vignette, rater, NOW, BY).case.code
    psychometrician = create_user(Role.PSYCHOMETRICIAN)
    db.session.commit()
    form_id = attempt.session.form.id
    rater_browser, staff_browser = app.test_client(), app.test_client()
    sign_in(rater_browser, rater.email)
    sign_in(staff_browser, psychometrician.email)

    def what_staff_read():
        pages = [rater_browser.get(f"/rating/responses/{code}").get_data(as_text=True)]
        for name in ("raw.csv", "scored.csv", "key.csv", "statistics.csv"):
            pages.append(staff_browser.get(f"/analysis/forms/{form_id}/export/{name}").get_data(as_text=True))
        return pages

    unmarked = what_staff_read()
    for response in attempt.responses:
        response.marks = marks(response.option_order or [], [(0, 3)])
    db.session.commit()
    marked = what_staff_read()

    assert marked == unmarked
    assert not any("highlights" in page or "struck" in page or "<mark" in page for page in marked)
