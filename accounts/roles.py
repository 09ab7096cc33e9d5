"""The roles a person can hold, and which of them a person lands by.

Where each role lands and what it may navigate to is declared by the areas
(`accounts.navigation`); access decisions stay in the views' decorators.
"""

import enum


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


# Who does a staff role's work: those who hold it, and admins.
COORDINATORS = (Role.COORDINATOR, Role.ADMIN)
PROCTORS = (Role.PROCTOR, Role.ADMIN)
PSYCHOMETRICIANS = (Role.PSYCHOMETRICIAN, Role.ADMIN)


def ordered(roles):
    """The given roles in landing precedence."""
    return sorted(roles, key=list(Role).index)
