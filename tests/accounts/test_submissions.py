"""One-time submission tokens: the first sending claims its token and keeps its answer; a repeat finds it."""

from datetime import datetime, timezone

from sqlalchemy import select

from accounts import submissions
from accounts.models import FormSubmission

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


def test_the_first_sending_claims_its_token_and_a_repeat_is_given_its_answer(create_user, db):
    user = create_user("proctor")
    token = submissions.new_token()

    first = submissions.claim(token, user.id, NOW)
    submissions.keep_answer(first, "/proctor/sessions/1", [("success", "Ann is paused.")])
    again = submissions.claim(token, user.id, NOW)

    assert not first.repeat and again.repeat
    assert (again.submission.location, again.submission.messages) == ("/proctor/sessions/1",
                                                                      [["success", "Ann is paused."]])


def test_a_token_is_its_senders_own(create_user, db):
    token = submissions.new_token()
    submissions.claim(token, create_user("proctor").id, NOW)

    assert not submissions.claim(token, create_user("proctor").id, NOW).repeat


def test_a_sending_that_changed_nothing_leaves_no_claim(create_user, db):
    user = create_user("proctor")
    token = submissions.new_token()
    submissions.claim(token, user.id, NOW)

    db.session.rollback()

    assert not submissions.claim(token, user.id, NOW).repeat


def test_a_sending_that_loses_the_race_to_insert_is_a_repeat(create_user, db, monkeypatch):
    user = create_user("proctor")
    token = submissions.new_token()
    first = submissions.claim(token, user.id, NOW)
    # The second sending looked before the first's claim was visible to it, as in two transactions at once.
    finds = iter([None, first.submission])
    monkeypatch.setattr(submissions, "_find", lambda *_: next(finds))

    again = submissions.claim(token, user.id, NOW)

    assert again.repeat and again.submission is first.submission
    assert len(db.session.scalars(select(FormSubmission).where(FormSubmission.token == token)).all()) == 1
