"""Rating fixtures: candidates who sit the two-part test form and write a
vignette response, and raters to score them."""

import pytest

from accounts.roles import Role
from exam import delivery, saving, sessions
from exam.models import AttemptStatus
from tests.exam_fixtures import BY, T0


@pytest.fixture
def sit(exam_session, create_user, db):
    """sit(right=3, text="...", name=None, choose=True, vignette=1): a new
    candidate answers `right` of the three selected-response questions by key
    (the rest wrong), writes `text` for Part Two's first vignette (or the
    `vignette`th), choosing it unless `choose` is False, and submits."""

    def sit_exam(right=3, text="I notice the baby turns away when the visitor raises her voice.", name=None,
                 choose=True, vignette=1):
        candidate = create_user(Role.CANDIDATE, name=name)
        sessions.enroll(exam_session, candidate, BY)
        attempt = delivery.join(exam_session, candidate.id, "SIT123", T0, BY)
        delivery.agree(attempt, T0, BY)
        saving.claim(attempt, "t", T0, BY)
        entries = []
        for response in attempt.responses:
            content = response.form_item.item_version.content
            if "key" in content:
                key = content["key"][0]
                option = key if len(entries) < right else next(letter for letter in "ABC" if letter != key)
                entries.append({"response": response.id, "field": "answer", "value": {"option": option}})
        for number, entry in enumerate(entries, start=1):
            entry["seq"] = number
        assert {ack.status for ack in saving.save(attempt, entries, "t", T0, BY)} == {"saved"}
        delivery.finish_section(attempt, 1, T0, BY)
        vignette = [r for r in attempt.responses if "rubric" in r.form_item.item_version.content][vignette - 1]
        later = []
        if choose:
            later.append({"seq": 10, "response": vignette.id, "field": "choose", "value": True})
        if text is not None:
            later.append({"seq": 11, "response": vignette.id, "field": "answer", "value": {"texts": [text]}})
        assert {ack.status for ack in saving.save(attempt, later, "t", T0, BY)} <= {"saved"}
        delivery.finish_section(attempt, 2, T0, BY)
        assert attempt.status == AttemptStatus.SUBMITTED
        db.session.commit()
        return attempt

    return sit_exam


@pytest.fixture
def raters(create_user):
    """Three raters, by name."""
    return [create_user(Role.RATER, name=f"Rater {letter}") for letter in "ABC"]


def vignette_of(attempt):
    """The attempt's chosen vignette response, else its first."""
    rated = [r for r in attempt.responses if "rubric" in r.form_item.item_version.content]
    return next((r for r in rated if r.chosen), rated[0])
