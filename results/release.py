"""Releasing a session's results to its candidates: the one way results
reach them, whether a coordinator releases after the rating, a
psychometrician releases again after a rescoring, or `flask exam
release-results` does either."""

from audit import log
from results import notifications
from results.exam_result import session_results
from results.rules import latest_revision


class ReleaseRefused(Exception):
    """Why results cannot be released yet, in a sentence."""


def release(session, now, by):
    """Show candidates their results under the form's latest scoring revision,
    once every counted written response is final. Releasing again after a
    rescoring shows the new scores (and tells the candidates again); otherwise
    it changes nothing."""
    results = session_results(session)
    pending = sum(1 for _, result in results if not result.final)
    if pending:
        raise ReleaseRefused(f"{pending} attempt(s) of {session.name} still have responses being rated; "
                             "results are released when every one is final")
    revision = latest_revision(session.form)
    if session.results_released_at is None or session.released_revision is not revision:
        updated = session.results_released_at is not None
        session.results_released_at = now
        session.released_revision = revision
        log.record("session.results_released", by, session, revision=revision.number if revision else 0)
        notifications.released(session, [attempt for attempt, _ in results], updated)
    return session


def awaits_release(session):
    """Released, but under an older scoring revision than the form's latest."""
    return session.results_released_at is not None and session.released_revision is not latest_revision(session.form)
