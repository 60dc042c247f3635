"""One place that answers "may this user do X on this object": role (permission) and scope together."""

from functools import wraps

from django.http import Http404
from django.utils.translation import gettext as _

from accounts.errors import NotPermitted
from accounts.roles import Role
from accounts.scoping import path_in_scope


def scope_path_of(obj) -> str:
    """The union path that owns `obj`: a union's own path, or the org_path copy on a scoped record."""
    path = getattr(obj, "org_path", None) or getattr(obj, "path", None)
    if not path:
        raise TypeError(f"{type(obj).__name__} carries no union path to scope it by")
    return path


def may(user, perm: str, obj=None) -> bool:
    """True when `user` holds permission `perm` (e.g. 'accounts.change_organization') and `obj` is in scope."""
    if not user.is_authenticated or not user.is_active or not user.has_perm(perm):
        return False
    return obj is None or path_in_scope(user, scope_path_of(obj))


def ensure_may(user, perm: str, obj=None) -> None:
    if not may(user, perm, obj):
        raise NotPermitted(_("You are not allowed to do this for this union."))


def may_act_as(user, role: Role, obj=None) -> bool:
    """For workflow steps tied to a role rather than a model permission (e.g. approving a file)."""
    if not user.is_authenticated or not user.has_role(role):
        return False
    return obj is None or path_in_scope(user, scope_path_of(obj))


def role_required(*roles: Role):
    """A view for the people who act in one of `roles`; anyone else gets 404 on GET and POST alike.

    Put it under `login_required`. Services check the same roles again, with the object's scope; this keeps a form
    (and the values it is filled with) from ever rendering for a role that could not save it.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(request.user.has_role(role) for role in roles):
                raise Http404
            return view(request, *args, **kwargs)

        wrapped.required_roles = frozenset(roles)
        return wrapped

    return decorator
