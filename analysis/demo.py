"""A past demo sitting of form MENTOR-B, so the psychometric screens have
something to show: simulated candidates answer from a seeded 2PL model; one
question's responses behave as if it were miskeyed (strong candidates choose
another option), for the key review to find. Each candidate also writes two
of the three vignettes, which the demo raters score (`results/demo.py`)
before the results are released. The session is closed, and once the
ratings are in, the form's statistics are computed and its parallel forms' cuts
equated."""

from datetime import timedelta

import numpy as np
from sqlalchemy import select

from accounts.roles import Role
from accounts.users import create_user, user_by_email
from analysis import equated_cuts, item_statistics
from clock import utcnow
from exam import delivery, proctoring, sessions
from exam.demo import PAST_CODE, PAST_SESSION, SEED
from exam.models import ExamSession
from extensions import db
from item_bank.models import Form
from item_bank.naming import staff_question_name
from results.matrices import keyed_items

CANDIDATES = 240
MISKEYED_QUESTION = 7


def load_demo_results(by):
    if db.session.scalar(select(ExamSession.id).where(ExamSession.name == PAST_SESSION)) is not None:
        return [f"session {PAST_SESSION!r} already present"]
    form = db.session.scalar(select(Form).where(Form.code == "MENTOR-B"))
    opens = utcnow() - timedelta(days=30)
    session = sessions.schedule(sessions.Options(PAST_SESSION, form, opens, opens + timedelta(hours=6),
                                                 location="Association offices",
                                                 proctors=[user_by_email("proctor@example.org")]), by, PAST_CODE)
    items = keyed_items(form)
    rng = np.random.default_rng(SEED)
    theta = rng.standard_normal(CANDIDATES)
    a, b = rng.uniform(0.6, 1.8, len(items)), rng.normal(-1.4, 0.8, len(items))
    right = rng.random((CANDIDATES, len(items))) < 1 / (1 + np.exp(-a * (theta[:, None] - b)))
    for number in range(CANDIDATES):
        candidate = create_user(f"autumn{number + 1:03d}@example.org", f"Autumn candidate {number + 1:03d}",
                                {Role.CANDIDATE}, None, by)
        sessions.enroll(session, candidate, by)
        started = opens + timedelta(minutes=5)
        attempt = delivery.join(session, candidate.id, PAST_CODE, started, by)
        delivery.agree(attempt, started, by)
        _answer(attempt, items, right[number], rng, started + timedelta(minutes=80))
        delivery.finish_section(attempt, 1, started + timedelta(minutes=85), by)
        _write(attempt, rng, started + timedelta(minutes=160))
        delivery.finish_section(attempt, 2, started + timedelta(minutes=170), by)
    proctoring.close_session(session, opens + timedelta(hours=5), by, "End of the sitting.")
    return [f"session {PAST_SESSION!r}: {CANDIDATES} simulated candidates sat MENTOR-B"]


def load_demo_statistics(by):
    """The past sitting's item statistics, once its written responses are rated."""
    form = db.session.scalar(select(Form).where(Form.code == "MENTOR-B"))
    if item_statistics.form_analysis(form) is not None:
        return ["item statistics already computed"]
    item_statistics.compute(form, utcnow(), by)
    equated_cuts.equate(form, utcnow(), by)
    miskeyed = dict(keyed_items(form))[MISKEYED_QUESTION]
    return [f"MENTOR-B's item statistics computed, both parts; {staff_question_name(miskeyed)} looks miskeyed",
            "the cuts of MENTOR-B's parallel forms equated to it"]


def _write(attempt, rng, at):
    """Two of the three vignettes, chosen and answered prompt by prompt."""
    section = attempt.sections[-1]
    for response in rng.choice(section.responses, size=section.form_section.answer_count, replace=False):
        prompts = response.form_item.item_version.content["prompts"]
        texts = [f"(A simulated answer to prompt {number}.)" for number in range(1, len(prompts) + 1)]
        response.answer, response.answered, response.answer_seq = {"texts": texts}, True, 1
        response.chosen, response.choose_seq, response.saved_at = True, 2, at


def _answer(attempt, items, right, rng, at):
    """The key where the model says right (for the miskeyed question, one
    distractor instead); otherwise a distractor, a few omitted."""
    by_item = {response.form_item_id: response for response in attempt.responses}
    for index, (position, form_item) in enumerate(items):
        content = form_item.item_version.content
        keyed = content["key"][0]
        distractors = [option["id"] for option in content["options"] if option["id"] not in content["key"]]
        if position == MISKEYED_QUESTION:
            keyed, distractors = distractors[0], [keyed, *distractors[1:]]
        if right[index]:
            choice = keyed
        elif rng.random() < 0.03:
            continue
        else:
            choice = distractors[rng.integers(len(distractors))]
        response = by_item[form_item.id]
        response.answer, response.answered, response.answer_seq, response.saved_at = {"option": choice}, True, 1, at
