"""The psychometric screens through the test client, signed in as a
psychometrician: item statistics and charts, key review and rescoring,
releasing again, exports, DIF uploads and an Angoff study with its panelist."""

import html
import io
import json
import re

import pytest
from sqlalchemy import func, select

from accounts.models import User, UserRole
from accounts.roles import Role
from analysis.models import AngoffRating, ItemStatistic
from exam import sessions
from exam.models import AttemptScore, Enrollment, ScoringRevision
from results import release, rescoring
from tests.conftest import sign_in
from tests.exam_fixtures import BY, T0
from tests.results.test_rescoring import keys_of, sitter, sr_items

pytestmark = pytest.mark.built_once

ANSWERS = {"c1": "++D", "c2": "++D", "c3": "+D+", "c4": "+D-", "c5": "+++"}


@pytest.fixture
def sit(create_user, db):
    return sitter(create_user, db)


@pytest.fixture
def sat(exam_session, sit):
    """Five submitted attempts of the two-part exam form."""
    return {name: sit(exam_session, answers, name=name, email=f"{name}@example.org")
            for name, answers in ANSWERS.items()}


@pytest.fixture
def psychometrician(login_as):
    return login_as(Role.PSYCHOMETRICIAN)


def page(response):
    return html.unescape(response.get_data(as_text=True))


def history_rows(db):
    return (db.session.scalar(select(func.count()).select_from(ScoringRevision)),
            db.session.scalar(select(func.count()).select_from(AttemptScore)))


# Item statistics -------------------------------------------------------------


def test_the_form_page_before_and_after_computing(client, psychometrician, exam_session, sat):
    form = exam_session.form
    identifiers = [form_item.item_version.item.identifier for form_item in sr_items(form)]

    before = page(client.get(f"/analysis/forms/{form.id}"))
    computed = client.post(f"/analysis/forms/{form.id}/compute")
    after = page(client.get(computed.headers["Location"]))

    assert "5 submitted attempt(s). Statistics have not been computed for this form yet." in before
    assert 'id="item-table"' not in before and "<svg" not in before
    assert computed.status_code == 302 and "Item statistics of EXAM-T computed." in after
    table = after[after.index('id="item-table"'):]
    assert [identifier in table for identifier in identifiers] == [True, True, True]
    assert re.findall(r'<tr[^>]*>\s*<td data-value="\d+">([^<]*)</td>', table) == [
        f"Part One, question {n}" for n in (1, 2, 3)]
    assert re.search(r'<svg[^>]*aria-label="Score distribution"', after)
    assert "IRT needs at least 100 candidates; this form has 5." in after


def test_computing_with_one_attempt_is_refused_on_the_page(client, psychometrician, exam_session, sit):
    sit(exam_session, "+++")

    response = client.post(f"/analysis/forms/{exam_session.form_id}/compute", follow_redirects=True)

    assert "EXAM-T has 1 submitted attempt(s); item statistics need at least 2" in page(response)
    assert 'id="item-table"' not in page(response)


def test_the_item_page_shows_options_and_trace_lines(client, psychometrician, exam_session, sat):
    form = exam_session.form
    client.post(f"/analysis/forms/{form.id}/compute")
    form_item = sr_items(form)[2]
    key = keys_of(form)[2]

    body = page(client.get(f"/analysis/forms/{form.id}/items/{form_item.id}"))

    assert f"<h1>Part One, question 3 <span class=\"subtitle\">{form_item.item_version.item.identifier} v" in body
    options = body[body.index("<caption>Options</caption>"):body.index("</table>", body.index("<caption>Options"))]
    assert re.findall(r'<th scope="row">(\w)( \(key\))?</th>', options) == [
        (letter, " (key)" if letter == key else "") for letter in "ABCD"]
    assert '<td class="numeric">0.40</td>' in options  # D, chosen by c1 and c2 of 5
    assert re.search(r'<svg[^>]*aria-label="Option trace lines"', body)
    assert f"key {key}, weight 1" in body


def test_a_biserial_beyond_1_is_marked_out_of_range(client, psychometrician, exam_session, sat, db):
    form = exam_session.form
    client.post(f"/analysis/forms/{form.id}/compute")
    statistic = db.session.scalar(select(ItemStatistic).where(ItemStatistic.form_id == form.id,
                                                              ItemStatistic.position == 2))
    statistic.r_bis = 1.07  # as a biserial can come out when its normal-ability model does not fit
    db.session.commit()

    table = page(client.get(f"/analysis/forms/{form.id}"))
    item = page(client.get(f"/analysis/forms/{form.id}/items/{statistic.form_item_id}"))

    rows = table[table.index("<tbody>"):].split("</tr>")
    assert ["(out of range)" in row for row in rows[:3]] == [False, True, False]
    assert "r<sub>bis</sub> 1.07 <strong class=\"warning\">(out of range: a biserial beyond ±1" in item


def test_an_item_without_statistics_is_not_found(client, psychometrician, exam_session, sat):
    assert client.get(f"/analysis/forms/{exam_session.form_id}/items/{sr_items(exam_session.form)[0].id}"
                      ).status_code == 404


# Key review and rescoring ----------------------------------------------------


def rescore_data(form, changes=None, pass_percent="80", reason="", confirm=None):
    """The key review form as posted: every item's current key, weight 1, not
    dropped, with changes={question number: {field: value}} applied."""
    data = {"pass_percent": pass_percent, "reason": reason}
    for index, (form_item, key) in enumerate(zip(sr_items(form), keys_of(form))):
        fields = {"form_item_id": str(form_item.id), "keys": key, "weight": "1"}
        fields.update((changes or {}).get(index + 1, {}))
        data.update({f"items-{index}-{name}": value for name, value in fields.items() if value is not None})
    if confirm:
        data["confirm"] = confirm
    return data


@pytest.fixture
def rescorable(exam_session, sit):
    """Alice fails with D on question 3 and passes if D is also a key; Bob
    fails either way; Carol passes either way."""
    return {name: sit(exam_session, answers, name=name, email=f"{name.lower()}@example.org")
            for name, answers in {"Alice": "++D", "Bob": "++x", "Carol": "+++"}.items()}


def test_key_review_shows_the_current_keys(client, psychometrician, exam_session, rescorable):
    form = exam_session.form

    body = page(client.get(f"/analysis/forms/{form.id}/scoring"))

    shown = {name: value for name, value in re.findall(r'name="(items-\d-keys)"[^>]*value="([^"]*)"', body)}
    assert shown == {f"items-{index}-keys": key for index, key in enumerate(keys_of(form))}
    labels = re.findall(r'aria-label="Keys of ([^"]*)"[^>]*name="items-\d-keys"', body)
    assert labels == [f"Part One, question {number} ({form_item.item_version.item.identifier})"
                      for number, form_item in enumerate(sr_items(form), start=1)]
    assert re.search(r'name="pass_percent"[^>]*value="80(\.0)?"', body)
    assert "The form is scored with the keys it was published with." in body


def test_a_preview_shows_who_would_now_pass_and_writes_nothing(client, psychometrician, exam_session, rescorable, db):
    form = exam_session.form
    key = keys_of(form)[2]

    body = page(client.post(f"/analysis/forms/{form.id}/scoring",
                            data=rescore_data(form, {3: {"keys": f"{key}|D"}}, reason="D is defensible")))

    summary = re.sub(r"<[^>]+>", "", body[body.index('id="preview-summary"'):])
    assert summary.startswith('id="preview-summary">1 of 3 candidates\' pass/fail on the selected-response part '
                              "would change: 1 would now pass, 0 would now fail.")
    changes = body[body.index("<caption>Candidates whose outcome changes</caption>"):]
    changes = changes[:changes.index("</table>")]
    assert "Alice" in changes and "alice@example.org" in changes and "Bob" not in changes and "Carol" not in changes
    assert "2 / 3 (66.7%) fail" in changes and "3 / 3 (100.0%) <strong>pass</strong>" in changes
    assert 'name="confirm" value="yes"' in body and "Rescore 3 attempt(s)" in body
    assert history_rows(db) == (0, 0)


def test_confirming_rescores_and_keeps_the_revisions(client, psychometrician, exam_session, rescorable, db):
    form = exam_session.form
    key = keys_of(form)[2]

    response = client.post(f"/analysis/forms/{form.id}/scoring",
                           data=rescore_data(form, {3: {"keys": f"{key}|D"}}, reason="D is defensible",
                                             confirm="yes"))

    assert response.status_code == 302 and response.headers["Location"] == f"/analysis/forms/{form.id}/scoring"
    body = page(client.get(response.headers["Location"]))
    assert ("EXAM-T rescored as revision 1. Candidates see the new scores once you release each session's "
            "results again.") in body
    assert history_rows(db) == (2, 6)
    assert [score.points for score in rescoring.history(rescorable["Alice"])] == [2, 3]
    assert "D is defensible" in body
    shown = dict(re.findall(r'name="(items-\d-keys)"[^>]*value="([^"]*)"', body))
    assert shown["items-2-keys"] == "|".join(sorted([key, "D"]))
    revision = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page(client.get(f"/analysis/forms/{form.id}/revisions/1"))))
    assert "Alice 2 / 3 fail 3 / 3 pass" in revision and "Bob 2 / 3 fail 2 / 3 fail" in revision


@pytest.mark.parametrize("changes, pass_percent, refusal", [
    ({1: {"keys": "E"}}, "80", "Part One, question 1 ({q1}): E is not one of its options (A, B, C, D)"),
    ({2: {"keys": ""}}, "80", "Part One, question 2 ({q2}): give at least one key, or drop the item"),
    ({1: {"dropped": "y"}, 2: {"dropped": "y"}, 3: {"dropped": "y"}}, "80",
     "every item would be dropped; keep at least one"),
], ids=["unknown key", "no key", "all dropped"])
def test_a_refused_proposal_is_explained_and_writes_nothing(client, psychometrician, exam_session, rescorable, db,
                                                              changes, pass_percent, refusal):
    form = exam_session.form

    for confirm in (None, "yes"):
        response = client.post(f"/analysis/forms/{form.id}/scoring",
                               data=rescore_data(form, changes, pass_percent, "Fix", confirm))

        assert response.status_code == 200
        codes = {f"q{number}": form_item.item_version.item.identifier
                 for number, form_item in enumerate(sr_items(form), start=1)}
        assert refusal.format(**codes) in page(response) and 'id="preview-summary"' not in page(response)
    assert history_rows(db) == (0, 0)


def test_releasing_again_shows_the_candidate_the_new_score(app, client, psychometrician, exam_session, rescorable, db):
    form = exam_session.form
    release.release(exam_session, T0, BY)
    db.session.commit()
    alice = app.test_client()
    sign_in(alice, "alice@example.org")
    result = f"/exam/attempts/{rescorable['Alice'].id}/result"
    assert "2 of 3 points (66.7%)" in page(alice.get(result))

    client.post(f"/analysis/forms/{form.id}/scoring",
                data=rescore_data(form, {3: {"keys": f"{keys_of(form)[2]}|D"}}, reason="D too", confirm="yes"))
    scoring_page = page(client.get(f"/analysis/forms/{form.id}/scoring"))
    assert "rescored since" in scoring_page and "Release again" in scoring_page
    assert f'action="/results/sessions/{exam_session.id}/release"' in scoring_page
    assert "2 of 3 points (66.7%)" in page(alice.get(result))  # not released again yet

    released = client.post(f"/results/sessions/{exam_session.id}/release",
                           data={"back": f"/analysis/forms/{form.id}/scoring"})

    assert released.status_code == 302
    assert "Results of Test sitting are released under the current scoring." in page(
        client.get(released.headers["Location"]))
    body = page(alice.get(result))
    assert "3 of 3 points (100.0%)" in body
    assert "Release again" not in page(client.get(f"/analysis/forms/{form.id}/scoring"))


# Exports ---------------------------------------------------------------------

ITEM_FIELDS = {"item_id", "domain", "p", "r_pbis", "r_pbis_total", "r_bis", "biserial_out_of_range",
               "discrimination_index", "alpha_if_deleted", "omit_rate", "options", "flags"}


def test_the_statistics_json_export_follows_the_contract(client, psychometrician, exam_session, sat):
    form = exam_session.form

    response = client.get(f"/analysis/forms/{form.id}/export/statistics.json")

    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="EXAM-T-statistics.json"'
    report = json.loads(response.get_data(as_text=True))
    assert {"n_candidates", "n_items", "total", "reliability", "items"} <= set(report)
    assert (report["n_candidates"], report["n_items"]) == (5, 3)
    assert set(report["total"]) == {"mean", "sd", "min", "max"} and report["total"]["mean"] == pytest.approx(2)
    assert set(report["reliability"]) == {"alpha", "sem"}
    assert [set(item) for item in report["items"]] == [ITEM_FIELDS] * 3
    assert [item["item_id"] for item in report["items"]] == [f.item_version.item.identifier for f in sr_items(form)]
    assert [item["p"] for item in report["items"]] == pytest.approx([1.0, 0.6, 0.4])
    assert report["items"][0]["r_pbis"] is None and report["items"][0]["domain"] == "TF"
    # Five candidates: no 2PL, as on the statistics page (it needs 100).


@pytest.mark.parametrize("name, start", [("raw.csv", "candidate_id,"), ("scored.csv", "candidate_id,"),
                                         ("key.csv", "item_id,key,domain"), ("statistics.csv", "item_id,domain,p,")])
def test_the_csv_exports_download_as_attachments(client, psychometrician, exam_session, sat, name, start):
    response = client.get(f"/analysis/forms/{exam_session.form_id}/export/{name}")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="EXAM-T-{name}"'
    assert response.get_data(as_text=True).startswith(start)


# DIF -------------------------------------------------------------------------


def upload(client, form, text):
    return page(client.post(f"/analysis/forms/{form.id}/dif",
                            data={"groups": (io.BytesIO(text.encode()), "groups.csv")},
                            content_type="multipart/form-data"))


def test_a_bad_groups_file_is_refused_with_its_line_and_column(client, psychometrician, exam_session, sat):
    body = upload(client, exam_session.form,
                  "candidate_id,group\nc1@example.org,reference\nc2@example.org,women\n")

    assert "groups.csv, line 3, column 2 (group): unknown group 'women'; use reference or focal" in body
    assert "DIF per item" not in body


def test_a_good_groups_file_gives_the_mantel_haenszel_table(client, psychometrician, exam_session, sat):
    form = exam_session.form

    body = upload(client, form, "candidate_id,group\n" + "".join(
        f"{name}@example.org,{'reference' if name in ('c1', 'c2', 'c3') else 'focal'}\n" for name in ANSWERS))

    assert "3 reference and 2 focal candidates." in body
    table = body[body.index("DIF per item"):body.index("</table>", body.index("DIF per item"))]
    assert [identifier in table for identifier in (f.item_version.item.identifier for f in sr_items(form))] == [
        True, True, True]
    assert re.findall(r'<td data-value="\d+">([^<]*)</td>', table) == [f"Part One, question {n}" for n in (1, 2, 3)]
    assert "MH D-DIF" in table


# Angoff ----------------------------------------------------------------------


def start_study(client, form):
    started = client.post(f"/analysis/forms/{form.id}/angoff", data={"name": "Mentor cut panel"})
    assert started.status_code == 302
    return started.headers["Location"]


def rate(client, study_url, ids, values, round_number=1):
    """Post a panelist's sheet: one value per form item id, "" for a blank."""
    return client.post(f"{study_url}/ratings", data={"round": str(round_number)} | {
        f"rating-{form_item_id}": value for form_item_id, value in zip(ids, values)})


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page(response)))


def test_an_angoff_study_from_start_to_close(app, client, psychometrician, create_user, exam_session, db):
    form = exam_session.form
    ids = [form_item.id for form_item in sr_items(form)]
    rater, writer = create_user(Role.RATER, name="Rae Rater"), create_user(Role.ITEM_WRITER, name="Wyn Writer")
    study_url = start_study(client, form)
    study_id = int(study_url.rsplit("/", 1)[1])

    added = client.post(study_url, data={"email": rater.email})

    assert added.status_code == 302
    assert f"{rater.email} is a panelist of Mentor cut panel." in page(client.get(study_url))
    assert client.post(study_url, data={"email": writer.email}).status_code == 302
    assert "Rae Rater" in page(client.get(study_url)) and "Wyn Writer" in page(client.get(study_url))

    rater_client, writer_client = app.test_client(), app.test_client()
    sign_in(rater_client, rater.email)
    sign_in(writer_client, writer.email)
    home = page(rater_client.get("/home/rater"))
    assert "Mentor cut panel" in home and f'href="/analysis/angoff/{study_id}/ratings"' in home
    sheet = f"/analysis/angoff/{study_id}/ratings"

    saved = rate(rater_client, study_url, ids, ["50", "60", "70"])
    assert saved.status_code == 302
    assert "Your round-1 ratings are saved." in page(rater_client.get(sheet))
    assert re.findall(r'<h2 class="rating-question">([^<]*)</h2>', page(rater_client.get(sheet))) == [
        f"Part One, question {number} ({form_item.item_version.item.identifier})"
        for number, form_item in enumerate(sr_items(form), start=1)]
    refused = page(rate(writer_client, study_url, ids, ["70", "150", "90"]))
    second = sr_items(form)[1].item_version.item.identifier
    assert "Nothing was saved." in refused and f"Part One, question 2 ({second}): '150' is not a number from 0 to 100" \
        in refused
    assert db.session.scalar(select(func.count()).select_from(AngoffRating)
                             .where(AngoffRating.panelist_id == writer.id)) == 0
    rate(writer_client, study_url, ids, ["70", "80", "90"])

    # Means 0.60, 0.70, 0.80: the cut is 2.10 of 3 (70.0%); the policy cut is 2.40 (80.0%).
    comparison = text_of(client.get(study_url))
    assert "Round 1 Angoff cut (sum of mean ratings), recommended 2.10 70.0" in comparison
    assert "Policy cut 2.40 80.0" in comparison
    assert re.findall(r'<td data-value="\d+">([^<]*)</td>', page(client.get(study_url))) == [
        f"Part One, question {n}" for n in (1, 2, 3)]
    assert "Preview the form's results at the recommended Angoff cut (70.0%)" in comparison
    assert client.get(sheet).status_code == 404  # the psychometrician is no panelist

    client.post(f"/analysis/angoff/{study_id}/close")
    closed = page(rate(rater_client, study_url, ids[:1], ["10"]))

    assert "The study is closed; ratings can no longer change." in closed
    assert sorted(db.session.scalars(select(AngoffRating.percent).where(AngoffRating.panelist_id == rater.id))) == [
        50, 60, 70]
    assert "Mentor cut panel" not in page(rater_client.get("/home/rater"))


def panel_of(app, client, form, create_user, *names):
    """Start a study and add a rater panelist per name; returns the study's URL and a signed-in client each."""
    study_url = start_study(client, form)
    clients = []
    for name in names:
        panelist = create_user(Role.RATER, name=name)
        assert client.post(study_url, data={"email": panelist.email}).status_code == 302
        clients.append(app.test_client())
        sign_in(clients[-1], panelist.email)
    return study_url, clients


def test_an_angoff_study_in_two_rounds(app, client, psychometrician, create_user, exam_session, sat):
    ids = [form_item.id for form_item in sr_items(exam_session.form)]
    study_url, (ann, ben) = panel_of(app, client, exam_session.form, create_user, "Ann", "Ben")
    rate(ann, study_url, ids, ["50", "60", "70"])
    rate(ben, study_url, ids, ["70", "80", "90"])

    opened = client.post(f"{study_url}/round-two", follow_redirects=True)

    assert "Round 2 of Mentor cut panel is open; round 1 is locked." in page(opened)
    sheet = text_of(ann.get(f"{study_url}/ratings"))
    assert "Your ratings Mentor cut panel, round 2" in sheet
    assert "Impact of the panel's round-1 cut: 2.10 of 3 (70.0%)" in sheet
    assert "Your round 1 50 The panel's round 1 median 60, mean 60, from 50 to 70 (2 panelists)" in sheet
    assert re.search(r"EXAM-T 5 \d+ [\d.]+%", sheet)
    assert 'value="50"' in page(ann.get(f"{study_url}/ratings"))  # round 2 starts from round 1

    locked = text_of(rate(ann, study_url, ids, ["10", "10", "10"], round_number=1))
    assert "Round 2 is open: round-1 ratings are locked and can no longer change." in locked
    assert rate(ann, study_url, ids, ["80", "80", "80"], round_number=2).status_code == 302
    assert "Your round-2 ratings are saved." in page(ann.get(f"{study_url}/ratings"))
    rate(ben, study_url, ids, ["60", "70", "80"], round_number=2)

    study = text_of(client.get(study_url))
    assert "Round 1 Angoff cut (sum of mean ratings) 2.10 70.0" in study
    assert "Round 2 Angoff cut (sum of mean ratings), recommended 2.25 75.0" in study
    assert "Preview the form's results at the recommended Angoff cut (75.0%)" in study
    assert "Open round 2" not in study


def test_round_two_does_not_open_without_a_round_one_cut(app, client, psychometrician, create_user, exam_session):
    study_url, _ = panel_of(app, client, exam_session.form, create_user, "Ann")

    refused = page(client.post(f"{study_url}/round-two", follow_redirects=True))

    assert "Round 2 did not open: round 1 has no cut yet: every item needs at least one rating first." in refused
    assert "Open round 2" in refused


def test_a_panelist_who_has_not_rated_leaves_the_agreement_shown(app, client, psychometrician, create_user,
                                                                exam_session):
    ids = [form_item.id for form_item in sr_items(exam_session.form)]
    study_url, (ann, ben, _) = panel_of(app, client, exam_session.form, create_user, "Ann", "Ben", "Cy")
    rate(ann, study_url, ids, ["50", "60", "70"])
    rate(ben, study_url, ids, ["70", "80", "90"])

    rounds = text_of(client.get(study_url))

    # Ann and Ben differ by 20 on each item: perfect consistency among the two who rated; Cy is not counted.
    assert re.search(r"Round 1 [\d.]+ [\d.]+ 1\.000 1\.000 2 of 3", rounds)


def test_a_panelist_who_becomes_a_candidate_no_longer_sees_the_sheet(app, client, psychometrician, create_user,
                                                                    exam_session, db):
    study_url, (ann,) = panel_of(app, client, exam_session.form, create_user, "Ann")
    user = db.session.scalars(select(User).where(User.name == "Ann")).one()
    user.role_rows.append(UserRole(role=Role.CANDIDATE.value))
    db.session.commit()

    sheet = ann.get(f"{study_url}/ratings")
    posted = rate(ann, study_url, [form_item.id for form_item in sr_items(exam_session.form)], ["50", "60", "70"])

    assert sheet.status_code == 403 and posted.status_code == 403
    assert "This rating sheet is closed to you: your account holds the candidate role" in page(sheet)
    assert "(key)" not in page(sheet) and "Part One, question 1" not in page(sheet)
    assert "Sheet withheld: may now sit EXAM-T" in page(client.get(study_url))
    assert db.session.scalar(select(func.count()).select_from(AngoffRating)) == 0


def test_a_panelist_of_an_open_study_cannot_be_enrolled_on_its_form(app, client, create_user, exam_session, db):
    admin = create_user(Role.ADMIN)
    sign_in(client, admin.email)
    study_url, _ = panel_of(app, client, exam_session.form, create_user, "Ann")
    user = db.session.scalars(select(User).where(User.name == "Ann")).one()
    user.role_rows.append(UserRole(role=Role.CANDIDATE.value))
    db.session.commit()

    enrolled = page(client.post(f"/proctor/sessions/{exam_session.id}/enrollment/add",
                                data={"candidate": str(user.id)}, follow_redirects=True))

    assert f"Ann ({user.email}) is a panelist of 'Mentor cut panel', an open Angoff study of EXAM-T, and has seen " \
           "its keys: a panelist may not sit the form." in enrolled
    assert db.session.scalar(select(func.count()).select_from(Enrollment)
                             .where(Enrollment.candidate_id == user.id)) == 0


def test_a_second_panelist_can_be_added(client, psychometrician, create_user, exam_session):
    rater, writer = create_user(Role.RATER, name="Rae Rater"), create_user(Role.ITEM_WRITER, name="Wyn Writer")
    study_url = start_study(client, exam_session.form)
    client.post(study_url, data={"email": rater.email})

    added = client.post(study_url, data={"email": writer.email})

    assert f"{writer.email} is already a panelist" not in page(added)
    assert added.status_code == 302
    panelists = page(client.get(study_url))
    assert "Rae Rater" in panelists and "Wyn Writer" in panelists


def test_adding_the_same_panelist_twice_is_refused(client, psychometrician, create_user, exam_session):
    rater = create_user(Role.RATER, name="Rae Rater")
    study_url = start_study(client, exam_session.form)
    client.post(study_url, data={"email": rater.email})

    again = client.post(study_url, data={"email": rater.email})
    unknown = client.post(study_url, data={"email": "nobody@example.org"})

    assert f"{rater.email} is already a panelist" in page(again)
    assert "nobody@example.org has no active Attest account" in page(unknown)


def test_a_proctor_panelist_finds_the_study_on_their_home_page(app, client, psychometrician, create_user,
                                                               exam_session):
    proctor = create_user(Role.PROCTOR, name="Pat Proctor")
    study_url = start_study(client, exam_session.form)
    assert client.post(study_url, data={"email": proctor.email}).status_code == 302
    proctor_client = app.test_client()
    sign_in(proctor_client, proctor.email)

    home = page(proctor_client.get("/home/proctor"))

    assert "Mentor cut panel" in home and f'href="{study_url}/ratings"' in home


def test_a_candidate_is_never_shown_the_keys_on_a_rating_sheet(app, client, psychometrician, create_user,
                                                                exam_session):
    candidate = create_user(Role.CANDIDATE, name="Cam Candidate")
    sessions.enroll(exam_session, candidate, BY)
    study_url = start_study(client, exam_session.form)
    refused = page(client.post(study_url, data={"email": candidate.email}))
    candidate_client = app.test_client()
    sign_in(candidate_client, candidate.email)

    sheet = candidate_client.get(f"{study_url}/ratings")

    assert f"{candidate.email} holds the candidate role; a rating sheet shows every key, never to someone who may " \
           "sit the form" in refused
    assert sheet.status_code == 404 and "(key)" not in page(sheet)


def test_a_one_panelist_study_shows_undefined_spread_as_not_available(app, client, psychometrician, create_user,
                                                                      exam_session):
    ids = [form_item.id for form_item in sr_items(exam_session.form)]
    rater = create_user(Role.RATER, name="Rae Rater")
    study_url = start_study(client, exam_session.form)
    client.post(study_url, data={"email": rater.email})
    rater_client = app.test_client()
    sign_in(rater_client, rater.email)
    rate(rater_client, study_url, ids, ["50", "60", "70"])

    text = text_of(client.get(study_url))

    assert "Round 1 Angoff cut (sum of mean ratings), recommended 1.80 60.0" in text
    assert not re.search(r"\bnan\b", text, re.IGNORECASE), re.findall(r"[^.;]*\bnan\b[^.;]*", text)
