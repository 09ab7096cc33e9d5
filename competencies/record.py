"""The documentation of competencies: per competency domain, the evidence
behind it (training hours tagged to the domain, the counted reference ratings
for the domain, the written examination's domain subscore), beside the
category-wide evidence (education, work experience, reflective
supervision/consultation) and every requirement's result.

A domain is documented when training covers it and the counted reference
ratings for it average at least "Meets" (3 on the 1-4 scale). The exam's
domain subscore is shown, not judged: the exam is passed or not as a whole.

The candidate's own record leaves out the references whose answers they
waived, figures and judgement alike: where one of those counts, whether a
domain's ratings meet "Meets" is the coordinators' to see (`withheld`).
"""

from dataclasses import dataclass, field

from competencies import portfolio, renewal, rules, written_exam
from competencies.models import ApplicationStatus
from item_bank.domains import all_domains

MEETS = 3


@dataclass
class DomainRecord:
    code: str
    name: str
    training_hours: float = 0.0
    training: list = field(default_factory=list)  # titles of the training entries tagged to the domain
    ratings: list = field(default_factory=list)  # the counted references' ratings (1-4) for the domain
    not_enough_information: int = 0
    exam_points: float | None = None
    exam_possible: float | None = None
    withheld: int = 0  # counted references left out of this record because the candidate waived their answers

    @property
    def reference_mean(self):
        return round(sum(self.ratings) / len(self.ratings), 2) if self.ratings else None

    @property
    def exam_percent(self):
        return round(100 * self.exam_points / self.exam_possible, 1) if self.exam_possible else None

    @property
    def missing(self):
        missing = []
        if not self.training_hours:
            missing.append("no training tagged to this domain")
        if self.withheld:
            return missing
        if self.reference_mean is None:
            missing.append("no reference rating with information on this domain")
        elif self.reference_mean < MEETS:
            missing.append("reference ratings average below \"Meets\"")
        return missing

    @property
    def met(self):
        """True or False; None when it turns on answers the candidate waived (judged by coordinators)."""
        if self.missing:
            return False
        return None if self.withheld else True


@dataclass
class CompetencyRecord:
    application: object
    definition: object
    category: object
    requirements: list  # rules.RequirementResult, in the category's order
    domains: list  # DomainRecord
    exam: written_exam.Standing
    renewal: list = field(default_factory=list)  # renewal.RenewalLine, once endorsed

    @property
    def final(self):
        """The exam result is final (released): the record can be read as the documentation of competencies."""
        return self.exam.outcome in ("pass", "fail")

    @property
    def complete(self):
        return all(result.met for result in self.requirements) and all(domain.met for domain in self.domains)

    @property
    def supervision_hours(self):
        """Reflective supervision/consultation hours that count: not peer, provider not refused."""
        return sum(entry.hours for entry in self.application.supervision
                   if not entry.peer and entry.approved is not False)

    @property
    def endorsed(self):
        return self.application.state == ApplicationStatus.ENDORSED


def counted_references(application):
    limit = portfolio.requirement_of(application, "references")["max_not_enough_information"]
    return [reference for reference in application.references
            if reference.submitted_at is not None and reference.not_enough_information <= limit]


def _domains(application, exam, waived):
    counted = counted_references(application)
    withheld = 0 if waived else sum(reference.waived for reference in counted)
    domains = {domain.code: DomainRecord(domain.code, domain.name, withheld=withheld) for domain in all_domains()}
    for entry in application.training:
        for code in entry.domains or ():
            if code in domains:
                domains[code].training_hours += entry.hours
                domains[code].training.append(entry.title)
    for reference in counted:
        if reference.waived and not waived:
            continue
        for code, value in reference.ratings.items():
            if code in domains:
                if value is None:
                    domains[code].not_enough_information += 1
                else:
                    domains[code].ratings.append(value)
    if exam.result is not None:
        for subscore in exam.result.domains:
            if subscore.code in domains:
                domains[subscore.code].exam_points, domains[subscore.code].exam_possible = (subscore.points,
                                                                                            subscore.possible)
    return list(domains.values())


def competency_record(application, today, waived=True, voice=rules.THIRD_PERSON):
    """The record; `waived=False` for the candidate's eyes: waived references' answers left out;
    `voice` words what is missing (`rules.SECOND_PERSON` on the candidate's own page)."""
    exam = written_exam.standing(application.candidate_id)
    requirements = rules.evaluate(portfolio.category_of(application),
                                  portfolio.to_evidence(application, exam.outcome), today, voice)
    lines = renewal.lines(application, today, voice) if application.renewal_due else []
    return CompetencyRecord(application, portfolio.definition_of(application), portfolio.category_of(application),
                            requirements, _domains(application, exam, waived), exam, lines)
