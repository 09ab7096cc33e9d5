"""A candidate's portfolio: starting an application, adding, editing and
removing its entries, signing the code of ethics, membership, the live
checklist and submitting.

A candidate edits the portfolio while it is a draft or a coordinator has
asked for more information; once endorsed, they keep logging training,
reflective supervision/consultation and membership for the yearly renewal.
Editing an entry follows the same rules as adding and removing one.

An edit never undoes a coordinators' decision quietly: the requirement
decisions stay, and the entry keeps when it was edited, so an edit made after
a decision shows as "edited after review" (`edited_after_review`). Only a
decision about the entry itself that the edit makes meaningless is cleared,
and the edit says so (`Edited.cleared`): a coordinator's acceptance of a
degree whose title or kind changes, and a refusal of a supervisor/consultant
whose name changes.
"""

from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import func, select

from audit import log
from competencies import definitions, evidence, notifications, rules, written_exam
from competencies.models import (
    Application,
    ApplicationStatus,
    EducationEntry,
    ReferenceRequest,
    RequirementDecision,
    SupervisionEntry,
    TrainingEntry,
    WorkEntry,
)
from extensions import db

EDITABLE = (ApplicationStatus.DRAFT, ApplicationStatus.MORE_INFORMATION)
# Kinds of entry an endorsed candidate keeps adding for the renewal.
RENEWAL_ENTRIES = (TrainingEntry, SupervisionEntry)
ENTRY_KINDS = {"education": EducationEntry, "training": TrainingEntry, "work": WorkEntry,
               "supervision": SupervisionEntry}


# The fields a coordinator's decision on an entry rests on: (the decision's column, the fields, what the candidate is told).
ENTRY_DECISIONS = {
    "education": ("accepted", ("title", "kind"), "a coordinator's decision on this degree or program no longer "
                                                 "applies; they will decide again"),
    "supervision": ("approved", ("provider_name",), "a coordinator's refusal of the supervisor/consultant no longer "
                                                    "applies to the new name; they will review it again"),
}


class PortfolioRefused(ValueError):
    """Why a change to a portfolio is refused, in words for the candidate;
    `field` names the form field it is about, when it is about one."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Edited:
    entry: object
    changed: tuple  # the names of the fields that changed
    cleared: str | None = None  # the coordinator's decision the edit cleared, in words for the candidate


@cache
def endorsements():
    """The bundled endorsement definitions by code (read once per process)."""
    return definitions.bundled()


def definition_of(application):
    return endorsements()[application.endorsement]


def category_of(application):
    return definition_of(application).categories[application.category]


def requirement_of(application, kind):
    return next((requirement for requirement in category_of(application).requirements
                 if requirement["kind"] == kind), None)


def applications_of(candidate_id):
    return db.session.scalars(select(Application).where(Application.candidate_id == candidate_id)
                              .order_by(Application.id)).all()


def own_application(application_id, candidate_id):
    """The candidate's own application, or None (a 404: another's is never shown)."""
    application = db.session.get(Application, application_id)
    if application is None or application.candidate_id != candidate_id:
        return None
    return application


def start(candidate_id, endorsement, category, by):
    known = endorsements()
    if endorsement not in known:
        raise PortfolioRefused(f"{endorsement!r} is not an endorsement Attest offers")
    if category not in known[endorsement].categories:
        raise PortfolioRefused(f"{category!r} is not a category of the {known[endorsement].name} endorsement")
    if any(application.endorsement == endorsement for application in applications_of(candidate_id)):
        raise PortfolioRefused(f"you already have an application for the {known[endorsement].name} endorsement")
    application = Application(candidate_id=candidate_id, endorsement=endorsement, category=category,
                              status=ApplicationStatus.DRAFT.value)
    db.session.add(application)
    db.session.flush()
    log.record("portfolio.start", by, application, endorsement=endorsement, category=category)
    return application


def can_edit(application):
    return application.state in EDITABLE


def can_add(application, entry_class):
    return can_edit(application) or (application.state == ApplicationStatus.ENDORSED
                                     and entry_class in RENEWAL_ENTRIES)


def can_set_membership(application):
    return can_edit(application) or application.state == ApplicationStatus.ENDORSED


def _refuse_change(application):
    raise PortfolioRefused(f"the application is {application.state.label.lower()}: it cannot be changed now")


def check_editable(application, entry_class=None):
    """Refuse unless the candidate may change the application (or add an entry of `entry_class` to it)."""
    allowed = can_edit(application) if entry_class is None else can_add(application, entry_class)
    if not allowed:
        _refuse_change(application)


def change_category(application, category, by):
    check_editable(application)
    if category not in definition_of(application).categories:
        raise PortfolioRefused(f"{category!r} is not a category of this endorsement")
    log.record("portfolio.category", by, application, before=application.category, after=category)
    application.category = category


def add_entry(application, kind, values, by):
    """Add an entry of `kind` (education, training, work, supervision) from its field values."""
    entry_class = ENTRY_KINDS[kind]
    check_editable(application, entry_class)
    if kind == "work":
        _check_work(application, values)
    entry = entry_class(application=application, **values)
    db.session.add(entry)
    db.session.flush()
    log.record(f"portfolio.add_{kind}", by, entry, application_id=application.id)
    return entry


def _check_work(application, values):
    kinds = {kind for kind, _ in work_kinds(application)}
    if values["kind"] not in kinds:
        raise PortfolioRefused(f"kind of work: {values['kind']!r} is not one this category counts", "kind")
    if values.get("ended_on") and values["ended_on"] < values["started_on"]:
        raise PortfolioRefused("work: the end date is before the start date", "ended_on")


def entry_of(application, kind, entry_id):
    """The application's own entry of `kind`, or None."""
    entry = db.session.get(ENTRY_KINDS[kind], entry_id)
    return entry if entry is not None and entry.application_id == application.id else None


def _own_entry(application, kind, entry_id):
    entry = entry_of(application, kind, entry_id)
    if entry is None:
        raise PortfolioRefused("that entry is not in this portfolio")
    return entry


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def edit_entry(application, kind, entry_id, values, by, now):
    """Change an entry's fields to `values`, under the rules for adding one of its kind; audited
    with the changed fields' values before and after. Nothing changed, nothing is written."""
    check_editable(application, ENTRY_KINDS[kind])
    entry = _own_entry(application, kind, entry_id)
    if kind == "work":
        _check_work(application, values)
    changed = tuple(name for name, value in values.items() if getattr(entry, name) != value)
    if not changed:
        return Edited(entry, ())
    before = {name: _plain(getattr(entry, name)) for name in changed}
    for name in changed:
        setattr(entry, name, values[name])
    entry.edited_at = now
    cleared = _clear_decision(kind, entry, changed)
    log.record(f"portfolio.edit_{kind}", by, entry, application_id=application.id, before=before,
               after={name: _plain(values[name]) for name in changed}, cleared=cleared)
    return Edited(entry, changed, cleared)


def _clear_decision(kind, entry, changed):
    column, fields, told = ENTRY_DECISIONS.get(kind, (None, (), None))
    if column is None or getattr(entry, column) is None or not set(fields) & set(changed):
        return None
    setattr(entry, column, None)
    return told


def reviewed_at(application):
    """When a coordinator last recorded a decision on the application, or None."""
    return db.session.scalar(select(func.max(RequirementDecision.decided_at))
                             .where(RequirementDecision.application_id == application.id))


def edited_after_review(entry, reviewed):
    """Whether the entry was edited after `reviewed` (`reviewed_at`)."""
    return reviewed is not None and entry.edited_at is not None and entry.edited_at > reviewed


def remove_entry(application, kind, entry_id, by):
    check_editable(application, ENTRY_KINDS[kind])
    entry = _own_entry(application, kind, entry_id)
    getattr(application, kind).remove(entry)
    db.session.delete(entry)
    log.record(f"portfolio.remove_{kind}", by, application, entry_id=entry_id)


def sign_ethics(application, typed_name, by, now):
    check_editable(application)
    if typed_name.strip().casefold() != application.candidate.name.strip().casefold():
        raise PortfolioRefused(f"type your name exactly as on your account ({application.candidate.name}) to sign",
                               "typed_name")
    version = requirement_of(application, "ethics")["version"]
    application.ethics_version, application.ethics_signed_at = version, now
    application.ethics_signed_name = typed_name.strip()
    log.record("portfolio.sign_ethics", by, application, version=version)


def set_membership(application, association, number, expires, by):
    if not can_set_membership(application):
        _refuse_change(application)
    application.membership_association, application.membership_number = association, number
    application.membership_expires = expires
    log.record("portfolio.membership", by, application, association=association, expires=expires.isoformat())


def work_kinds(application):
    """(kind, label) of the kinds of work the category counts."""
    requirement = requirement_of(application, "work_experience")
    return [(period["kind"], period["label"]) for period in (requirement["periods"] if requirement else [])]


def training_topics(application):
    requirement = requirement_of(application, "training")
    return list(requirement.get("topic_minimums", {})) if requirement else []


def _reference(request):
    return evidence.Reference(request.relationship_code, request.rater_level, request.submitted_at is not None,
                              request.not_enough_information, request.level_verified, request.rater_name,
                              request.waived)


def to_evidence(application, exam_outcome=None):
    """The application's entries as the plain values the rules read."""
    return evidence.Portfolio(
        education=tuple(evidence.Education(entry.title, entry.kind, entry.transcript_id is not None, entry.accepted)
                        for entry in application.education),
        training=tuple(evidence.Training(entry.taken_on, entry.provider, entry.hours, tuple(entry.domains or ()),
                                         entry.topic) for entry in application.training),
        work=tuple(evidence.Work(entry.kind, entry.started_on, entry.ended_on, entry.post_graduate, entry.supervised,
                                 tuple(entry.activities or ())) for entry in application.work),
        supervision=tuple(evidence.Supervision(entry.met_on, entry.hours, entry.format, entry.peer,
                                               entry.approved is not False) for entry in application.supervision),
        references=tuple(_reference(request) for request in application.references
                         if request.withdrawn_at is None),
        ethics_version=application.ethics_version,
        membership_expires=application.membership_expires,
        exam_outcome=exam_outcome,
    )


def checklist(application, today, voice=rules.SECOND_PERSON):
    """Each requirement of the category: met, or exactly what is missing, worded in `voice`."""
    portfolio = to_evidence(application, written_exam.standing(application.candidate_id).outcome)
    return rules.evaluate(category_of(application), portfolio, today, voice)


def missing_before_submitting(results):
    """The requirements not met yet, except the written examination, which comes after approval."""
    return [result for result in results if not result.met and result.kind != "exam"]


def submit(application, by, now, today):
    check_editable(application)
    missing = missing_before_submitting(checklist(application, today))
    if missing:
        raise PortfolioRefused("not ready to submit: " + "; ".join(
            f"{result.title}: {', '.join(result.missing)}" for result in missing))
    before = application.status
    application.status, application.submitted_at = ApplicationStatus.SUBMITTED.value, now
    log.record("portfolio.submit", by, application, before=before, after=application.status)
    notifications.submitted(application, definition_of(application).name,
                            again=before == ApplicationStatus.MORE_INFORMATION.value)


def reference(application, reference_id):
    request = db.session.get(ReferenceRequest, reference_id)
    return request if request is not None and request.application_id == application.id else None
