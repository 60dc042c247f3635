"""The navigation each role gets. Entries whose page is not built yet show on the home page as "coming soon"."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
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
    ),
    MenuEntry(
        _("Year-end assessment"),
        _("Annual effectiveness assessment and its summary."),
        frozenset({Role.APPROVER, Role.LEADER}),
        "assessment:assessment",
    ),
    MenuEntry(
        _("Ledgers"),
        _("Excel ledgers: households, disbursements, assessment."),
        ALL_ROLES,
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
