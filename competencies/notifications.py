"""The messages an application's moves send: coordinators hear of a
submission, and a coordinator of a review assigned to them; the candidate hears that more information is asked, that they may
sit the exam, that the endorsement is issued and that its renewal is near.

Each is queued by the service that makes the move, in its transaction, and
given the endorsement's name (`portfolio.definition_of(...).name`) by it,
since the portfolio's services are the ones calling here.
"""

from sqlalchemy import select

from accounts.models import User, UserRole
from accounts.roles import COORDINATORS
from extensions import db
from mail.notify import notify


def coordinators():
    """Active people who review applications (coordinators and admins), by email."""
    roles = [role.value for role in COORDINATORS]
    return db.session.scalars(select(User).where(User.active.is_(True), User.role_rows.any(UserRole.role.in_(roles)))
                              .order_by(User.email)).all()


def submitted(application, name, again):
    """Every coordinator but the candidate: an application waits for review."""
    subject = f"Application {'resubmitted' if again else 'submitted'}: {application.candidate.name}, {name}"
    for coordinator in coordinators():
        if coordinator.id == application.candidate_id:
            continue
        notify(coordinator, subject, "application_submitted", "you review endorsement applications as a "
               "coordinator in Attest", kind="application.submitted", application=application, endorsement=name,
               again=again)


def review_assigned(application, name, assignment):
    notify(assignment.assignee, f"Review assigned: {application.candidate.name}, {name}, due "
           f"{assignment.due_on.isoformat()}", "review_assigned", "you review endorsement applications as a "
           "coordinator in Attest", kind="application.review_assigned", application=application, endorsement=name,
           assignment=assignment)


def more_information(application, name, body):
    notify(application.candidate, f"More information is needed for your {name} application",
           "application_more_information", f"you applied for the {name} endorsement",
           kind="application.more_information", application=application, endorsement=name, body=body.strip())


def approved(application, name, body):
    notify(application.candidate, f"Approved to sit the {name} written examination", "application_approved",
           f"you applied for the {name} endorsement", kind="application.approved", application=application,
           endorsement=name, body=body.strip())


def endorsed(application, name):
    notify(application.candidate, f"Your {name} endorsement is issued: {application.endorsement_number}",
           "application_endorsed", f"you applied for the {name} endorsement", kind="application.endorsed",
           application=application, endorsement=name)


def renewal_due(application, name, days, lines):
    """The renewal comes in `days` days (one of `renewal.REMINDER_DAYS`); `lines` say what is met and missing."""
    notify(application.candidate, f"Your {name} endorsement is due for renewal in {days} days",
           "renewal_due", f"you hold the {name} endorsement {application.endorsement_number}",
           kind="application.renewal_due", application=application, endorsement=name, days=days, lines=lines)
