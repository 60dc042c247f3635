"""The admin's scope: every registered ModelAdmin is either scoped to the admin's subtree or global, read-only config.

Every admin view (change list, change form, history, delete, actions, autocomplete, raw-id popups, "view on site")
reads its rows through the ModelAdmin's `get_queryset`, so scoping that one method, answering 404 for anything it does
not return, and removing django-simple-history's revert scopes them all.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.views import shortcut
from django.core import checks
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path


class BangfuAdminMixin:
    """What every Bangfu ModelAdmin shares: an object outside its queryset is a 404, and history is read-only."""

    object_history_list_template = "accounts/admin_history_list.html"

    def get_object(self, request, object_id, from_field=None):
        # The stock admin redirects to the index on a missing object; the application answers 404 everywhere.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history falls back to the latest historical row of an object its queryset does not return.
        self.get_object(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def get_urls(self):
        # No revert: an undo that writes an old row back bypasses the services and their rules (paths, roles, moves).
        return [url for url in super().get_urls() if not (url.name or "").endswith("_simple_history")]

    def revert_disabled(self, request, obj=None):
        return True


class ScopedAdminMixin(BangfuAdminMixin):
    """Admins manage their own union's subtree only; superusers see everything."""

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user)

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._limit_choices_to_scope(db_field, request, kwargs)
        if db_field.related_model._meta.label == "accounts.Organization" and not request.user.is_superuser:
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._limit_choices_to_scope(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _limit_choices_to_scope(self, db_field, request, kwargs):
        """A choice of a scoped model offers (and accepts) only what that model's admin shows this admin."""
        if "queryset" in kwargs:
            return
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if isinstance(related_admin, ScopedAdminMixin):
            kwargs["queryset"] = related_admin.get_queryset(request)
        elif hasattr(db_field.related_model._default_manager, "visible_to"):
            kwargs["queryset"] = db_field.related_model._default_manager.visible_to(request.user)


class GlobalConfigAdminMixin(BangfuAdminMixin):
    """Configuration that belongs to no union (funding sources, approval tiers, role groups): superusers change it,
    union administrators may only read it."""

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class BangfuAdminSite(admin.AdminSite):
    """The admin site whose "view on site" shortcut only redirects for objects the model's admin shows."""

    def get_urls(self):
        urls = super().get_urls()
        scoped = path(
            "r/<path:content_type_id>/<path:object_id>/", self.admin_view(self.view_on_site), name="view_on_site"
        )
        return [scoped if getattr(url, "name", None) == "view_on_site" else url for url in urls]

    def view_on_site(self, request, content_type_id, object_id):
        from django.contrib.contenttypes.models import ContentType

        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except (ContentType.DoesNotExist, ValueError) as error:
            raise Http404 from error
        model_admin = self._registry.get(model)
        if model_admin is None:
            raise Http404
        try:
            model_admin.get_object(request, unquote(object_id))
        except (ValidationError, ValueError) as error:
            raise Http404 from error
        return shortcut(request, content_type_id, object_id)


def unscoped_admins(site) -> list[str]:
    """Registered ModelAdmins that declare no scope: each must be scoped or global, read-only configuration."""
    return [
        model._meta.label
        for model, model_admin in site._registry.items()
        if not isinstance(model_admin, (ScopedAdminMixin, GlobalConfigAdminMixin))
    ]


def check_admin_scopes(app_configs=None, **kwargs):
    return [
        checks.Error(
            f"The admin of {label} declares no scope.",
            hint="Base it on ScopedAdminMixin or GlobalConfigAdminMixin (accounts/admin_scope.py).",
            id="bangfu.E001",
        )
        for label in unscoped_admins(admin.site)
    ]
