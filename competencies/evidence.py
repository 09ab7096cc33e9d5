"""A portfolio's evidence as plain values, what the requirement rules read.

The portfolio's tables (and tests) build these; the rules never touch the
database, so every threshold can be checked on hand-made portfolios.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Education:
    title: str  # "MSW", "PhD", ... or the name of another degree or certificate program
    kind: str = "degree"  # degree | certificate (post-graduate specialization or university certificate program)
    transcript: bool = False  # an official transcript is uploaded
    accepted: bool | None = None  # a coordinator's decision on a degree not in the list; None until decided


@dataclass(frozen=True)
class Training:
    on: date
    provider: str
    hours: float
    domains: tuple = ()  # competency domain codes it covers
    topic: str = ""  # e.g. "providing reflective supervision/consultation", for a category's topic minimums


@dataclass(frozen=True)
class Work:
    kind: str  # one of the category's kinds of work, e.g. "imh_services", "rsc_leadership"
    start: date
    end: date | None  # None: current
    post_graduate: bool = True
    supervised: bool = False
    activities: tuple = ()  # leadership activities, from the category's examples or written in


@dataclass(frozen=True)
class Supervision:
    on: date
    hours: float
    format: str = "individual"  # individual | group
    peer: bool = False  # peer supervision does not count
    approved: bool = True  # the supervisor/consultant is approved


@dataclass(frozen=True)
class Reference:
    relationship: str  # e.g. "program_supervisor", "rsc_provider", "supervisee", "colleague", "student"
    rater_level: str | None = None  # the rater's own endorsement level ("II", "III", "IV"), if any
    submitted: bool = False
    not_enough_information: int = 0  # answers of "not enough information"
    level_verified: bool = False  # the level is verified (Attest's own record, or a coordinator)
    rater_name: str = ""
    waived: bool = False  # the candidate waived access: nothing drawn from the answers is told them


@dataclass(frozen=True)
class Portfolio:
    education: tuple = ()
    training: tuple = ()
    work: tuple = ()
    supervision: tuple = ()
    references: tuple = ()
    ethics_version: str | None = None  # the version of the code of ethics and agreement signed
    membership_expires: date | None = None
    exam_outcome: str | None = None  # pass | fail | pending | None (not sat)
