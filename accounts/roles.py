"""The roles a person can hold, where each lands, and what each may navigate to.

Later areas give a role its real home page and navigation by changing the
entries here; access decisions stay in the views' decorators.
"""

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    # Declaration order is landing precedence for a person with several roles.
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    PSYCHOMETRICIAN = "psychometrician"
    PROCTOR = "proctor"
    ITEM_WRITER = "item_writer"
    RATER = "rater"
    CANDIDATE = "candidate"

    @property
    def label(self):
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class NavLink:
    label: str
    endpoint: str


HOME_ENDPOINTS = {role: f"home.{role.value}" for role in Role} | {Role.RATER: "rating.dashboard"}

NAVIGATION = {
    Role.ADMIN: (
        NavLink("Users", "accounts.list_users"),
        NavLink("Audit log", "audit.list_entries"),
        NavLink("Items", "item_bank.list_items"),
        NavLink("Forms", "item_bank.list_forms"),
        NavLink("Domains", "item_bank.list_domains"),
        NavLink("Exam sessions", "proctor.list_sessions"),
        NavLink("Item statistics", "analysis.list_forms"),
        NavLink("Rating", "rating.overview"),
        NavLink("Portfolio review", "review.queue"),
    ),
    Role.COORDINATOR: (
        NavLink("Portfolio review", "review.queue"),
        NavLink("Rating", "rating.overview"),
        NavLink("Rater conflicts", "rating.conflicts"),
        NavLink("Domains", "item_bank.list_domains"),
    ),
    Role.CANDIDATE: (NavLink("Endorsement portfolio", "portfolio.index"),),
    Role.PROCTOR: (NavLink("Exam sessions", "proctor.list_sessions"), NavLink("Schedule", "proctor.schedule_session")),
    Role.PSYCHOMETRICIAN: (
        NavLink("Items", "item_bank.list_items"),
        NavLink("Review queue", "item_bank.review_queue"),
        NavLink("Blueprints", "item_bank.list_blueprints"),
        NavLink("Forms", "item_bank.list_forms"),
        NavLink("Item statistics", "analysis.list_forms"),
    ),
    Role.ITEM_WRITER: (
        NavLink("Items", "item_bank.list_items"),
        NavLink("Review queue", "item_bank.review_queue"),
        NavLink("Import", "item_bank.import_items"),
    ),
}


def ordered(roles):
    """The given roles in landing precedence."""
    return sorted(roles, key=list(Role).index)


def landing_endpoint(roles):
    held = ordered(roles)
    return HOME_ENDPOINTS[held[0]] if held else "home.no_role"


def navigation(roles):
    """Each held role's home, then its links, in precedence order."""
    links = []
    for role in ordered(roles):
        for link in (NavLink(f"{role.label} home", HOME_ENDPOINTS[role]), *NAVIGATION.get(role, ())):
            if link.endpoint not in {held.endpoint for held in links}:
                links.append(link)
    return links
