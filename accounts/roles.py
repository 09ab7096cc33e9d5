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


HOME_ENDPOINTS = {role: f"home.{role.value}" for role in Role}

NAVIGATION = {
    Role.ADMIN: (
        NavLink("Users", "accounts.list_users"),
        NavLink("Audit log", "audit.list_entries"),
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
        links.append(NavLink(f"{role.label} home", HOME_ENDPOINTS[role]))
        links.extend(NAVIGATION.get(role, ()))
    return links
