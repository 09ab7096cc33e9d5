"""Where each role lands, which links its pages offer, and what home pages
ask of a person, as the areas declare them.

Accounts knows no other area's pages: each area's blueprint module declares
the homes and the links of the roles it serves, and its home notices; they
are gathered on the app as it registers that blueprint. A link's rank places it in its role's
menu, so a menu keeps one order whichever area is registered first; ranks go
in tens so that a link fits between two.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app, render_template
from markupsafe import Markup

from accounts.roles import ordered


@dataclass(frozen=True)
class NavLink:
    label: str
    endpoint: str


@dataclass
class Declared:
    """One app's homes ({role: endpoint}; None for someone who holds no role),
    menus ({role: [(rank, NavLink)]}) and home notices ([(template, values)])."""

    homes: dict = field(default_factory=dict)
    menus: dict = field(default_factory=lambda: defaultdict(list))
    notices: list = field(default_factory=list)


def declare(bp, homes=None, links=None, notices=()):
    """Declare `bp`'s part: `homes` as {role: ".endpoint"}, `links` as
    {role: [(rank, label, ".endpoint"), ...]}, endpoints being the blueprint's
    own; and `notices` as [(template, values)], where values(user) gives the
    template's values (the template draws nothing when nothing is asked)."""

    def gather(state):
        declared = state.app.extensions.setdefault("navigation", Declared())
        for role, endpoint in (homes or {}).items():
            declared.homes[role] = state.name + endpoint
        for role, offered in (links or {}).items():
            declared.menus[role] += [(rank, NavLink(label, state.name + endpoint)) for rank, label, endpoint in offered]
        declared.notices += notices

    bp.record_once(gather)


def _declared():
    return current_app.extensions["navigation"]


def landing_endpoint(roles):
    """The home of the first role held in precedence, or the page for someone who holds none."""
    held = ordered(roles)
    return _declared().homes[held[0] if held else None]


def links(roles):
    """Each held role's home, then its links, in precedence order; a page two
    roles offer is listed once, where the first puts it."""
    declared = _declared()
    listed = []
    for role in ordered(roles):
        menu = sorted(declared.menus[role], key=lambda ranked: ranked[0])
        for link in (NavLink(f"{role.label} home", declared.homes[role]), *(link for _, link in menu)):
            if link.endpoint not in {held.endpoint for held in listed}:
                listed.append(link)
    return listed


def home_notices(user):
    """The notices for `user`'s home page, drawn here so that the page's view
    hands them over and no template runs a query."""
    return [Markup(render_template(template, **values(user))) for template, values in _declared().notices]
