"""The feedback letter: the outcome, each part against its cut, the domains,
and for each written response the final score per rubric criterion with the
comments of the raters whose ratings made it, unnamed. Every candidate gets
one, pass or fail."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Letter:
    candidate: str
    exam: str  # the form's name
    session: str
    released_at: object  # None in a coordinator's preview before release
    result: object  # ExamResult
    opening: str
    comments_note: str  # read before the raters' comments it introduces
    closing: str


OPENINGS = {
    "pass": "Congratulations: you passed the written examination.",
    "fail": "You did not pass the written examination this time.",
    "pending": "Your written responses are still being rated; the outcome follows when they are.",
}

COMMENTS_NOTES = {
    "pass": "The comments below come from the raters who scored your written responses.",
    "fail": "The comments below come from the raters who scored your written responses. We hope they help you "
            "prepare.",
    "pending": "",
}

CLOSINGS = {
    "pass": "Your result now joins your portfolio for the endorsement decision.",
    "fail": "You may sit the examination again at a later session.",
    "pending": "",
}


def letter(attempt, result):
    session = attempt.session
    return Letter(attempt.enrollment.candidate.name, session.form.name, session.name, session.results_released_at,
                  result, OPENINGS[result.outcome], COMMENTS_NOTES[result.outcome], CLOSINGS[result.outcome])
