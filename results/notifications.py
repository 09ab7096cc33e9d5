"""The message releasing results sends: each candidate who sat the session
learns that their result and feedback letter are ready. The outcome is not in
it: the result is shown to the candidate signed in, as the letter is."""

from mail.notify import notify

NEVER_SAT = "not_admitted"  # the session closed before the candidate was admitted: no result to see


def released(session, attempts, updated):
    """Tell the candidates of `attempts` (the session's finished ones); `updated` after a rescoring."""
    subject = f"Your result {'was updated' if updated else 'is available'}: {session.name}"
    for attempt in attempts:
        if attempt.finish_reason == NEVER_SAT:
            continue
        notify(attempt.enrollment.candidate, subject, "results_released", f"you sat the exam session {session.name}",
               kind="results.released", session=session, attempt=attempt, updated=updated)
