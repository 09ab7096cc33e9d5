"""The requirement rules: each requirement of a category, checked against a
portfolio's evidence (`evidence.Portfolio`) on a given day, gives "met" or
exactly what is missing, and what counted.

Periods of work of one kind that overlap count once. Reflective supervision
/consultation counts when some run of sessions, spanning at least
`min_months` and at most `max_months` from its first to its last session,
adds up to `min_hours` (peer supervision and sessions with a provider not
yet approved do not count). A reference rating counts once submitted with at
most `max_not_enough_information` "not enough information" answers; the
counted ratings are matched to the category's slots, one each. A rater's
endorsement level counts only once verified: the rater says it, Attest's own
record or a coordinator confirms it.

The sentences speak to the candidate ("add your membership") on the
candidate's own pages, and about them ("no membership entered") on staff
pages and the printed record: `evaluate(..., voice=THIRD_PERSON)`. Every
sentence that addresses the candidate has its two wordings in `WORDING`.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date
from itertools import permutations

DAYS_PER_YEAR = 365.25
# Relationship codes that do not read as words with their underscores replaced.
RELATIONSHIP_WORDS = {"rsc_provider": "RSC provider"}


@dataclass(frozen=True)
class Voice:
    """Whom the sentences address: the candidate (second person) or staff and the record (third person)."""

    third_person: bool

    @property
    def possessive(self):
        return "the candidate's" if self.third_person else "your"

    def say(self, key, **values):
        return WORDING[key][self.third_person].format(**values)


SECOND_PERSON, THIRD_PERSON = Voice(False), Voice(True)
# key: (to the candidate, about the candidate)
WORDING = {
    "transcript": ("{title}: upload the official transcript", "{title}: no official transcript uploaded"),
    "no_degree": ("add a degree ({degrees}, or another degree specific to infant mental health){certificates}",
                  "no degree entered ({degrees}, or another degree specific to infant mental health){certificates}"),
    "more_hours": ("{have} of {need} clock hours: add {short} more", "{have} of {need} clock hours: {short} more needed"),
    "more_topic_hours": ("{have} of {need} hours on {topic}: add {short} more",
                         "{have} of {need} hours on {topic}: {short} more needed"),
    "leadership": ("{label}: name your leadership activities", "{label}: no leadership activities named"),
    # A waived rating's answers are not the candidate's to read, not even as a count, and the printed
    # record (third person) is the candidate's too.
    "waived_not_counting": ("ask someone else", "another reference is needed"),
    "ethics_old": ("you signed version {signed}; sign the current version {version}",
                   "version {signed} signed; the current version {version} is not signed"),
    "ethics_none": ("sign version {version}", "version {version} not signed"),
    "membership_none": ("add your membership of the association or another infant mental health association",
                        "no membership of the association or another infant mental health association entered"),
    "membership_expired": ("your membership expired on {expires}: renew it", "the membership expired on {expires}"),
    "exam_not_sat": ("sit the written examination", "the written examination is not sat yet"),
    "exam_pending": ("your examination result is not final yet", "the examination result is not final yet"),
    "more_renewal_hours": ("{have} of {need} hours logged {span}: add {short} more",
                           "{have} of {need} hours logged {span}: {short} more needed"),
    "renew_membership": ("renew your membership and update its expiry date",
                         "the membership is not current: the candidate renews it and updates its expiry date"),
}


@dataclass(frozen=True)
class RequirementResult:
    kind: str
    title: str
    met: bool
    missing: list = field(default_factory=list)  # sentences: exactly what is still needed
    counted: list = field(default_factory=list)  # sentences: the evidence that counted


def add_months(day, months):
    """The same day `months` later (or the month's last day when it has no such day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _hours(value):
    return f"{value:g}"


def education(requirement, portfolio, today, voice=SECOND_PERSON):
    listed = {degree.lower() for degree in requirement["degrees"]}
    counted, problems = [], []
    for entry in portfolio.education:
        if entry.kind == "certificate" and not requirement["certificates"]:
            problems.append(f"{entry.title}: a certificate program does not meet this endorsement's education")
            continue
        if entry.kind == "degree" and entry.title.lower() not in listed and requirement["other_degree_needs_acceptance"]:
            if entry.accepted is None:
                problems.append(f"{entry.title}: a degree outside the list waits for a coordinator to accept it")
                continue
            if entry.accepted is False:
                problems.append(f"{entry.title}: a coordinator did not accept this degree")
                continue
        if requirement["transcript_required"] and not entry.transcript:
            problems.append(voice.say("transcript", title=entry.title))
            continue
        counted.append(f"{entry.title}, with transcript" if entry.transcript else entry.title)
    if counted:
        return RequirementResult("education", requirement["title"], True, [], counted)
    if not portfolio.education:
        problems.append(voice.say("no_degree", degrees=", ".join(requirement["degrees"]), certificates=(
            " or a post-graduate certificate program" if requirement["certificates"] else "")))
    return RequirementResult("education", requirement["title"], False, problems)


def training(requirement, portfolio, today, voice=SECOND_PERSON):
    total = sum(entry.hours for entry in portfolio.training)
    missing = []
    if total < requirement["min_hours"]:
        missing.append(voice.say("more_hours", have=_hours(total), need=_hours(requirement["min_hours"]),
                                 short=_hours(requirement["min_hours"] - total)))
    for topic, minimum in requirement.get("topic_minimums", {}).items():
        on_topic = sum(entry.hours for entry in portfolio.training if entry.topic == topic)
        if on_topic < minimum:
            missing.append(voice.say("more_topic_hours", have=_hours(on_topic), need=_hours(minimum), topic=topic,
                                     short=_hours(minimum - on_topic)))
    domains = sorted({domain for entry in portfolio.training for domain in entry.domains})
    counted = [f"{_hours(total)} clock hours"] + ([f"domains covered: {', '.join(domains)}"] if domains else [])
    return RequirementResult("training", requirement["title"], not missing, missing, counted)


def merged_days(periods, today):
    """Days covered by the (start, end) periods, overlaps counted once; an open end is today."""
    spans = sorted((start, min(end or today, today)) for start, end in periods if start <= (end or today))
    days, current_start, current_end = 0, None, None
    for start, end in spans:
        if current_end is None or start > current_end:
            if current_end is not None:
                days += (current_end - current_start).days
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        days += (current_end - current_start).days
    return days


def work_experience(requirement, portfolio, today, voice=SECOND_PERSON):
    missing, counted = [], []
    for period in requirement["periods"]:
        entries = [entry for entry in portfolio.work if entry.kind == period["kind"]
                   and (entry.post_graduate or not period["post_graduate"])
                   and (entry.supervised or not period["supervised"])]
        years = merged_days([(entry.start, entry.end) for entry in entries], today) / DAYS_PER_YEAR
        if years + 1e-9 < period["min_years"]:
            short_months = max(1, round((period["min_years"] - years) * 12))
            missing.append(f"{period['label']}: {years:.1f} of {period['min_years']:g} years; "
                           f"about {short_months} more month(s)")
        else:
            counted.append(f"{period['label']}: {years:.1f} years")
        if period["kind"].endswith("_leadership") and entries and not any(entry.activities for entry in entries):
            missing.append(voice.say("leadership", label=period["label"]))
    return RequirementResult("work_experience", requirement["title"], not missing, missing, counted)


def _qualifying_run(sessions, requirement):
    """(first day, last day, hours) of the earliest run of sessions that meets the rule, or None."""
    for first in range(len(sessions)):
        earliest_end = add_months(sessions[first].on, requirement["min_months"])
        latest_end = add_months(sessions[first].on, requirement["max_months"])
        hours = 0.0
        for last in range(first, len(sessions)):
            if sessions[last].on > latest_end:
                break
            hours += sessions[last].hours
            if sessions[last].on >= earliest_end and hours + 1e-9 >= requirement["min_hours"]:
                return sessions[first].on, sessions[last].on, hours
    return None


def reflective_supervision(requirement, portfolio, today, voice=SECOND_PERSON):
    title = requirement["title"]
    counting = sorted((entry for entry in portfolio.supervision if not entry.peer and entry.approved),
                      key=lambda entry: entry.on)
    run = _qualifying_run(counting, requirement)
    if run is not None:
        first, last, hours = run
        return RequirementResult("reflective_supervision", title, True, [],
                                 [f"{_hours(hours)} hours from {first.isoformat()} to {last.isoformat()}"])
    if not requirement["required"]:
        return RequirementResult("reflective_supervision", title, True, [], ["optional for this category"])
    total = sum(entry.hours for entry in counting)
    missing = [f"{_hours(requirement['min_hours'])} clock hours within a period of {requirement['min_months']} to "
               f"{requirement['max_months']} months are needed; {_hours(total)} hours count so far"]
    if counting and total >= requirement["min_hours"]:
        span = f"{counting[0].on.isoformat()} to {counting[-1].on.isoformat()}"
        missing.append(f"the sessions logged ({span}) do not add up to {_hours(requirement['min_hours'])} hours "
                       f"in a period of {requirement['min_months']} to {requirement['max_months']} months")
    peer = sum(entry.hours for entry in portfolio.supervision if entry.peer)
    if peer:
        missing.append(f"{_hours(peer)} hours of peer supervision do not count")
    refused = sum(entry.hours for entry in portfolio.supervision if not entry.peer and not entry.approved)
    if refused:
        missing.append(f"{_hours(refused)} hours with a supervisor/consultant a coordinator did not approve do not count")
    return RequirementResult("reflective_supervision", title, False, missing)


def _endorsed(rating, endorsed):
    return rating.rater_level in endorsed and rating.level_verified


def _best_matching(slots, ratings, endorsed):
    """The assignment of ratings to slots that fills the most slots, then includes a verified endorsed rater."""
    best, best_score = [None] * len(slots), (-1, False)
    padded = list(ratings) + [None] * len(slots)
    for chosen in permutations(range(len(padded)), len(slots)):
        assignment = [padded[index] for index in chosen]
        if any(rating is not None and rating.relationship not in slot["relationships"]
               for slot, rating in zip(slots, assignment)):
            continue
        score = (sum(rating is not None for rating in assignment),
                 any(rating is not None and _endorsed(rating, endorsed) for rating in assignment))
        if score > best_score:
            best, best_score = assignment, score
    return best


def _from(rating, voice):
    relationship = RELATIONSHIP_WORDS.get(rating.relationship, rating.relationship.replace("_", " "))
    return " ".join(filter(None, (voice.possessive, relationship, rating.rater_name)))


def _endorsement_missing(counting, endorsed, voice):
    """What stands between the counted ratings and one from a verified endorsed rater."""
    waiting = [rating for rating in counting if rating.rater_level in endorsed]
    if waiting:
        return [f"waiting for a coordinator to verify the Level {rating.rater_level} endorsement of "
                f"{rating.rater_name or _from(rating, voice)}" for rating in waiting]
    return [f"at least one rating must come from a rater endorsed at Level {', '.join(sorted(endorsed))}"]


def _counted_line(slot, rating, voice):
    level = ""
    if rating.rater_level:
        level = f" (Level {rating.rater_level}, {'verified' if rating.level_verified else 'not verified yet'})"
    return f"{slot['label']}: a rating from {_from(rating, voice)}{level}"


def references(requirement, portfolio, today, voice=SECOND_PERSON):
    limit = requirement["max_not_enough_information"]
    counting = [rating for rating in portfolio.references if rating.submitted and rating.not_enough_information <= limit]
    slots = requirement["slots"]
    endorsed = set(requirement["endorsed_levels"])
    matched = _best_matching(slots, counting, endorsed)
    missing = [f"{slot['label']}: no reference rating that counts yet"
               for slot, rating in zip(slots, matched) if rating is None]
    if not any(rating is not None and _endorsed(rating, endorsed) for rating in matched):
        missing += _endorsement_missing(counting, endorsed, voice)
    for rating in portfolio.references:
        if rating.submitted and rating.not_enough_information > limit:
            reason = (voice.say("waived_not_counting") if rating.waived else
                      f"it has {rating.not_enough_information} \"not enough information\" answers (at most {limit})")
            missing.append(f"the rating from {_from(rating, voice)} does not count: {reason}")
    counted = [_counted_line(slot, rating, voice) for slot, rating in zip(slots, matched) if rating is not None]
    return RequirementResult("references", requirement["title"], not missing, missing, counted)


def ethics(requirement, portfolio, today, voice=SECOND_PERSON):
    version = requirement["version"]
    if portfolio.ethics_version == version:
        return RequirementResult("ethics", requirement["title"], True, [], [f"version {version} signed"])
    if portfolio.ethics_version:
        return RequirementResult("ethics", requirement["title"], False,
                                 [voice.say("ethics_old", signed=portfolio.ethics_version, version=version)])
    return RequirementResult("ethics", requirement["title"], False, [voice.say("ethics_none", version=version)])


def membership(requirement, portfolio, today, voice=SECOND_PERSON):
    expires = portfolio.membership_expires
    if expires is None:
        return RequirementResult("membership", requirement["title"], False,
                                 [voice.say("membership_none")])
    if expires < today:
        return RequirementResult("membership", requirement["title"], False,
                                 [voice.say("membership_expired", expires=expires.isoformat())])
    return RequirementResult("membership", requirement["title"], True, [], [f"current until {expires.isoformat()}"])




def exam(requirement, portfolio, today, voice=SECOND_PERSON):
    if portfolio.exam_outcome == "pass":
        return RequirementResult("exam", requirement["title"], True, [], ["passed"])
    missing = ({None: voice.say("exam_not_sat"), "pending": voice.say("exam_pending")}
               .get(portfolio.exam_outcome, "the written examination is not passed yet"))
    return RequirementResult("exam", requirement["title"], False, [missing])


RULES = {"education": education, "training": training, "work_experience": work_experience,
         "reflective_supervision": reflective_supervision, "references": references, "ethics": ethics,
         "membership": membership, "exam": exam}


def evaluate(category, portfolio, today, voice=SECOND_PERSON):
    """Every requirement of the category, in order, checked against the portfolio on `today`, worded in `voice`."""
    return [RULES[requirement["kind"]](requirement, portfolio, today, voice) for requirement in category.requirements]
