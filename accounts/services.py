from django.db import transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from accounts.errors import DomainError
from accounts.models import Organization, OrganizationKind, User, decode_segment, encode_segment
from accounts.roles import Role
from accounts.scoping import scoped_models


class InvalidTreeChange(DomainError):
    pass


def _next_path(parent: Organization | None) -> str:
    siblings = Organization.objects.filter(parent=parent)
    last_path = siblings.aggregate(last=Max("path"))["last"]
    number = decode_segment(last_path.rsplit(".", 1)[-1]) + 1 if last_path else 1
    segment = encode_segment(number)
    return f"{parent.path}.{segment}" if parent else segment


def _check_kind_under(kind: str, parent: Organization | None) -> None:
    if parent is not None and OrganizationKind(kind).rank <= OrganizationKind(parent.kind).rank:
        raise InvalidTreeChange(
            _("A %(kind)s cannot sit under a %(parent_kind)s.")
            % {"kind": OrganizationKind(kind).label, "parent_kind": parent.get_kind_display()}
        )


@transaction.atomic
def organization_create(
    *, name: str, code: str, kind: str, parent: Organization | None = None, is_active: bool = True
) -> Organization:
    _check_kind_under(kind, parent)
    if parent is not None:
        # Lock the parent so that two children created at once do not get the same path segment.
        parent = Organization.objects.select_for_update().get(pk=parent.pk)
    return Organization.objects.create(
        name=name, code=code, kind=kind, parent=parent, path=_next_path(parent), is_active=is_active
    )


@transaction.atomic
def organization_move(*, organization: Organization, new_parent: Organization | None) -> Organization:
    """Move a union and its whole subtree; every scoped record below it follows."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if new_parent is not None:
        new_parent = Organization.objects.select_for_update().get(pk=new_parent.pk)
        if new_parent.path.startswith(organization.path):
            raise InvalidTreeChange(_("A union cannot be moved under itself or its own branch."))
    if new_parent == organization.parent:
        return organization
    _check_kind_under(organization.kind, new_parent)

    old_path, new_path = organization.path, _next_path(new_parent)
    cut = len(old_path) + 1  # Substr is 1-based: keep what follows the old prefix.
    Organization.objects.filter(path__startswith=old_path).update(path=Concat(Value(new_path), Substr(F("path"), cut)))
    Organization.objects.filter(pk=organization.pk).update(parent=new_parent)
    for model in scoped_models():
        model.objects.filter(org_path__startswith=old_path).update(
            org_path=Concat(Value(new_path), Substr(F("org_path"), cut))
        )
    organization.refresh_from_db()
    return organization


@transaction.atomic
def user_set_role(*, user: User, role: Role) -> User:
    """Give the user exactly one role; administrators also get into the admin site."""
    from django.contrib.auth.models import Group

    role_groups = Group.objects.filter(name__in=[r.value for r in Role])
    user.groups.remove(*role_groups)
    user.groups.add(Group.objects.get(name=role.value))
    user.is_staff = role == Role.ADMIN
    user.save(update_fields=["is_staff"])
    if hasattr(user, "_roles_cache"):
        del user._roles_cache
    return user


@transaction.atomic
def user_staff_follow_role(*, user: User, by: User) -> User:
    """After the roles were picked in the admin: the administrator role opens the admin site, and taking it away
    closes it again, as user_set_role does; only a superuser keeps the admin site open to someone without it."""
    is_admin = user.groups.filter(name=Role.ADMIN.value).exists()
    staff = is_admin or user.is_superuser or (by.is_superuser and user.is_staff)
    if staff != user.is_staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    return user


def sessions_clear_expired() -> int:
    """Delete sessions past their expiry (the daily housekeeping job); returns how many went."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    deleted, _by_model = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
