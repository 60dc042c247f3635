"""The navigation each role gets. Entries whose page is not built yet show on the home page as "coming soon".

Apps that build on accounts may put a count beside an entry (e.g. open alerts beside "My work") with `register_badge`,
so that accounts never imports them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


@dataclass(frozen=True)
class MenuEntry:
    label: Promise
    description: Promise
    roles: frozenset[Role]
    url_name: str | None = None

    @property
    def url(self) -> str | None:
        return reverse(self.url_name) if self.url_name else None


ALL_ROLES = frozenset(Role)

MENU = [
    MenuEntry(
        _("My work"),
        _("Visits due, measures due and files waiting for me."),
        frozenset({Role.CASEWORKER}),
        "cases:my_work",
    ),
    MenuEntry(
        _("Households"),
        _("Household files, members, plans and visits."),
        frozenset({Role.CASEWORKER, Role.APPROVER, Role.LEADER}),
        "cases:household_list",
    ),
    MenuEntry(
        _("Approval inbox"),
        _("Files and aid applications waiting for my decision."),
        frozenset({Role.APPROVER}),
        "cases:inbox",
    ),
    MenuEntry(
        _("Aid programs"),
        _("Programs, rules and budgets."),
        frozenset({Role.CASEWORKER, Role.APPROVER, Role.LEADER, Role.ADMIN}),
        "programs:program_list",
    ),
    MenuEntry(
        _("Aid applications"),
        _("Applications for aid and their payments."),
        frozenset({Role.CASEWORKER, Role.APPROVER, Role.LEADER}),
        "programs:application_list",
    ),
    MenuEntry(
        _("Dashboard"),
        _("Headline numbers and trends for my union and below."),
        frozenset({Role.APPROVER, Role.LEADER}),
        "reports:dashboard",
    ),
    MenuEntry(
        _("Year-end assessment"),
        _("Annual effectiveness assessment and its summary."),
        frozenset({Role.CASEWORKER, Role.APPROVER, Role.LEADER}),
        "assessment:assessment",
    ),
    MenuEntry(
        _("Ledgers"),
        _("Excel ledgers: households, disbursements, assessment."),
        ALL_ROLES,
        "reports:ledgers",
    ),
    MenuEntry(
        _("Import households"),
        _("Register many households at once from an Excel roster."),
        frozenset({Role.CASEWORKER}),
        "reports:imports",
    ),
    MenuEntry(
        _("Administration"),
        _("Unions, users, programs, budgets and local standards."),
        frozenset({Role.ADMIN}),
        "admin:index",
    ),
]


def menu_for(user) -> list[MenuEntry]:
    if not user.is_authenticated:
        return []
    return [entry for entry in MENU if user.roles & {role.value for role in entry.roles}]


@dataclass(frozen=True)
class Badge:
    count: Callable  # count(user) -> int, in one query at most
    label: Promise  # what the number counts, read out by screen readers


_badges: dict[str, list[Badge]] = {}


def register_badge(url_name: str, count: Callable, label: Promise) -> None:
    """Show `count(user)` beside the menu entry of `url_name` in the navigation bar, when it is not zero.

    An entry may have several badges (open alerts, items that came back), each shown with its own label."""
    badges = _badges.setdefault(url_name, [])
    if not any(badge.count is count for badge in badges):
        badges.append(Badge(count, label))


class NavLink:
    """A menu entry as one user's navigation bar shows it: the count is read only when shown, and once."""

    def __init__(self, entry: MenuEntry, user):
        self.entry, self.user = entry, user
        self.label = entry.label

    @property
    def url(self) -> str | None:
        return self.entry.url

    @cached_property
    def badges(self) -> list[tuple[int, Promise]]:
        """(count, label) of each badge of the entry that is not zero."""
        counted = [(badge.count(self.user), badge.label) for badge in _badges.get(self.entry.url_name, [])]
        return [(count, label) for count, label in counted if count]


def navigation_for(user) -> list[NavLink]:
    return [NavLink(entry, user) for entry in menu_for(user)]


HOUSEHOLDS = "cases:household_list"


def household_roles() -> frozenset[Role]:
    """The roles that see households: the navigation bar's quick search is theirs."""
    return next(entry.roles for entry in MENU if entry.url_name == HOUSEHOLDS)
