"""Who sees what: a user sees the records of their own union and of every union below it."""

from django.db import models


class ScopedQuerySet(models.QuerySet):
    """`visible_to(user)` for any model that stores a copy of its owning union's path."""

    scope_field = "org_path"

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        # Path segments have a fixed width, so a plain prefix match never catches a sibling like 0001.00041.
        return self.filter(**{f"{self.scope_field}__startswith": user.organization.path})


class ScopedModel(models.Model):
    """A record owned by a union. `org_path` is a copy of `organization.path`, kept in step by the services."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def set_organization(self, organization) -> None:
        self.organization = organization
        self.org_path = organization.path


def path_in_scope(user, path: str) -> bool:
    """The row-level twin of `visible_to`: may this user see a record owned by the union at `path`?"""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or path.startswith(user.organization.path)


def scoped_models():
    """Every concrete model that carries an `org_path` copy; moving a union rewrites them all."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if issubclass(model, ScopedModel) and not model._meta.abstract and not model._meta.proxy
    ]


def union_in_scope_or_404(user, chosen: str | None):
    """The user's own union, or the union `chosen` (an id from ?org=) in their scope; anything else is a 404."""
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from accounts.models import Organization
    from accounts.querystring import IDS, query_number

    if not chosen:
        return user.organization
    pk = query_number(chosen, allowed=IDS)
    if pk is None:
        raise Http404
    return get_object_or_404(Organization.objects.visible_to(user), pk=pk)
