"""Demo unions and users for `make run` and the browser tests (ARCHITECTURE.md "seed_demo")."""

import os

from django.db import transaction

from accounts import services
from accounts.models import Organization, OrganizationKind, User
from accounts.roles import Role

DEFAULT_PASSWORD = "demo12345"  # noqa: S105 - the documented demo password, refused with DEBUG off

# (code, name, kind, parent code)
DEMO_UNIONS = [
    ("330000", "浙江省总工会", OrganizationKind.PROVINCIAL, None),
    ("330200", "宁波市总工会", OrganizationKind.CITY, "330000"),
    ("330281", "余姚市总工会", OrganizationKind.COUNTY, "330200"),
    ("330281001", "余姚市阳明街道工会", OrganizationKind.TOWNSHIP, "330281"),
    ("330281002", "余姚市梨洲街道工会", OrganizationKind.TOWNSHIP, "330281"),
    ("330281001E01", "余姚市阳明光学仪器有限公司工会", OrganizationKind.ENTERPRISE, "330281001"),
    ("330281002E01", "余姚市梨洲塑料制品有限公司工会", OrganizationKind.ENTERPRISE, "330281002"),
    ("330282", "慈溪市总工会", OrganizationKind.COUNTY, "330200"),
    ("330282001", "慈溪市浒山街道工会", OrganizationKind.TOWNSHIP, "330282"),
]

# (username, full name, role, union code)
DEMO_USERS = [
    ("demo_caseworker", "王丽娟", Role.CASEWORKER, "330281"),
    ("demo_approver", "陈建国", Role.APPROVER, "330281"),
    ("demo_leader", "周海涛", Role.LEADER, "330281"),
    ("demo_admin", "刘敏", Role.ADMIN, "330281"),
    ("demo_caseworker_b", "孙晓红", Role.CASEWORKER, "330282"),
    ("demo_approver_b", "钱志明", Role.APPROVER, "330282"),
]


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD


@transaction.atomic
def seed_unions() -> dict[str, Organization]:
    unions: dict[str, Organization] = {}
    for code, name, kind, parent_code in DEMO_UNIONS:
        union = Organization.objects.filter(code=code).first()
        if union is None:
            union = services.organization_create(
                name=name, code=code, kind=kind, parent=unions.get(parent_code) if parent_code else None
            )
        unions[code] = union
    return unions


@transaction.atomic
def seed_users(unions: dict[str, Organization]) -> list[User]:
    users = []
    for username, name, role, union_code in DEMO_USERS:
        user, _created = User.objects.get_or_create(
            username=username, defaults={"name": name, "organization": unions[union_code]}
        )
        user.set_password(demo_password())
        user.save(update_fields=["password"])
        services.user_set_role(user=user, role=role)
        users.append(user)
    return users
