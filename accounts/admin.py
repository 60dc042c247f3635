from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from accounts import services
from accounts.admin_scope import GlobalConfigAdminMixin, ScopedAdminMixin
from accounts.errors import DomainError
from accounts.lockout import login_unlock
from accounts.models import Organization, User
from accounts.roles import Role


@admin.register(Organization)
class OrganizationAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["indented_name", "code", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    fields = ["name", "code", "kind", "parent", "is_active", "path"]
    list_per_page = 100

    def get_readonly_fields(self, request, obj=None):
        # An admin's own union hangs under a union they cannot see, so its place in the tree is not theirs to change.
        if obj is not None and not request.user.is_superuser and obj.pk == request.user.organization_id:
            return ["path", "parent", "kind"]
        return ["path"]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return "　" * (obj.depth - 1) + obj.name

    def save_model(self, request, obj, form, change):
        # Paths are derived by the services: on create, and on a move of the whole subtree.
        if not change:
            created = services.organization_create(
                name=obj.name, code=obj.code, kind=obj.kind, parent=obj.parent, is_active=obj.is_active
            )
            obj.pk, obj.path = created.pk, created.path
            return
        new_parent = obj.parent
        if "parent" in form.changed_data:
            obj.parent = Organization.objects.get(pk=obj.pk).parent
        obj.save()
        if new_parent != obj.parent:
            try:
                services.organization_move(organization=obj, new_parent=new_parent)
            except DomainError as error:
                messages.error(request, error.message)


class RoleChoiceField(forms.ModelMultipleChoiceField):
    """The role groups, named by their Role label (帮扶工作人员) instead of the group's code name."""

    def label_from_instance(self, group):
        return Role(group.name).label


class RoleListFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        return queryset.filter(groups__name=self.value()) if self.value() else queryset


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "name", "organization", "role_names", "is_active", "last_login"]
    list_filter = [RoleListFilter, "is_active", "is_staff"]
    search_fields = ["username", "name", "phone", "organization__name"]
    list_select_related = ["organization"]
    actions = ["unlock"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "phone", "email", "organization")}),
        (_("Role"), {"fields": ("groups", "is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "name", "organization", "password1", "password2")},
        ),
    )

    def get_queryset(self, request):
        users = super().get_queryset(request).prefetch_related("groups")
        # A union administrator never manages a superuser account, even one filed under their union.
        return users if request.user.is_superuser else users.exclude(is_superuser=True)

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser may make another superuser or open the admin site to someone.
        return () if request.user.is_superuser else ("is_superuser", "is_staff", "last_login", "date_joined")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "groups" in form.changed_data:
            services.user_staff_follow_role(user=form.instance, by=request.user)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(name__in=[role.value for role in Role])
            kwargs["form_class"] = RoleChoiceField
            kwargs["label"] = _("roles")
            # The picker's own texts ("可用 角色", "选中的 角色") are built in JavaScript from this name.
            kwargs["widget"] = FilteredSelectMultiple(_("roles"), is_stacked=False)
            kwargs["help_text"] = _(
                "A person may hold several roles; each role brings the permissions of its part of the work."
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("role"))
    def role_names(self, obj):
        labels = dict(Role.choices)
        return "、".join(str(labels[group.name]) for group in obj.groups.all() if group.name in labels)

    @admin.action(description=_("Unlock the selected accounts after failed logins"))
    def unlock(self, request, queryset):
        for user in queryset:
            login_unlock(user=user, by=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)d account unlocked.", "%(count)d accounts unlocked.", count) % {"count": count},
        )


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(GlobalConfigAdminMixin, GroupAdmin):
    """The role groups and their permissions come from the migrations; only a superuser changes them."""

    list_display = ["name", "role_label"]

    @admin.display(description=_("role"))
    def role_label(self, group):
        return dict(Role.choices).get(group.name, "")


class FailedLoginAdminMixin(ScopedAdminMixin):
    """django-axes' records of logins: an administrator reads those of the accounts they manage, and nothing else.

    Deleting an attempt unlocks an account without a trace; the user admin's `unlock` action is the way to do it.
    """

    def scope_queryset(self, request, queryset):
        if request.user.is_superuser:
            return queryset
        managed = User.objects.visible_to(request.user).exclude(is_superuser=True).values("username")
        return queryset.filter(username__in=managed)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # axes' own action cleans up the expired attempts of every union, whatever is selected.
        return super().get_actions(request) if request.user.is_superuser else {}


class ScopedAccessAttemptAdmin(FailedLoginAdminMixin, AccessAttemptAdmin):
    pass


class ScopedAccessLogAdmin(FailedLoginAdminMixin, AccessLogAdmin):
    pass


class ScopedAccessFailureLogAdmin(FailedLoginAdminMixin, AccessFailureLogAdmin):
    pass


# axes registers its admins only with AXES_ENABLE_ADMIN; where it does, the scoped ones take their place.
for axes_model, scoped_admin in [
    (AccessAttempt, ScopedAccessAttemptAdmin),
    (AccessLog, ScopedAccessLogAdmin),
    (AccessFailureLog, ScopedAccessFailureLogAdmin),
]:
    if admin.site.is_registered(axes_model):
        admin.site.unregister(axes_model)
        admin.site.register(axes_model, scoped_admin)
