from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.roles import Role
from accounts.scoping import ScopedQuerySet

SEGMENT_WIDTH = 4
SEGMENT_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def encode_segment(number: int) -> str:
    """Fixed-width base-36 path segment: 1 -> '0001'. Fixed width keeps prefix matching exact."""
    if not 0 < number < len(SEGMENT_ALPHABET) ** SEGMENT_WIDTH:
        raise ValueError(f"path segment {number} out of range")
    digits = []
    while number:
        number, rest = divmod(number, len(SEGMENT_ALPHABET))
        digits.append(SEGMENT_ALPHABET[rest])
    return "".join(reversed(digits)).rjust(SEGMENT_WIDTH, "0")


def decode_segment(segment: str) -> int:
    return int(segment, len(SEGMENT_ALPHABET))


class OrganizationKind(models.TextChoices):
    NATIONAL = "national", _("National federation")
    PROVINCIAL = "provincial", _("Provincial federation")
    CITY = "city", _("City federation")
    COUNTY = "county", _("County federation")
    TOWNSHIP = "township", _("Township or street union")
    ENTERPRISE = "enterprise", _("Enterprise union")

    @property
    def rank(self) -> int:
        return list(OrganizationKind).index(self)


class OrganizationQuerySet(ScopedQuerySet):
    scope_field = "path"

    def active(self):
        return self.filter(is_active=True)


class Organization(models.Model):
    """A trade union (工会) in the tree 全国总工会 → 省 → 市 → 县(区) → 乡镇(街道) → 企业."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, unique=True, help_text=_("Unique, e.g. the region code 330281."))
    kind = models.CharField(_("kind"), max_length=16, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent union"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("union")
        verbose_name_plural = _("unions")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(path=""),
                name="organization_path_not_empty",
                violation_error_code="organization_path_not_empty",
                violation_error_message=_("The union has no place in the tree yet: save it through its parent union."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count(".") + 1

    @property
    def segment(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    def ancestor_paths(self) -> list[str]:
        """Paths of this union and every union above it, root first."""
        segments = self.path.split(".")
        return [".".join(segments[: i + 1]) for i in range(len(segments))]

    def ancestors(self):
        """This union and those above it, root first, in one query."""
        return Organization.objects.filter(path__in=self.ancestor_paths()).order_by("path")

    def is_ancestor_or_self_of(self, path: str) -> bool:
        return path.startswith(self.path)

    def clean(self):
        if self.parent is None:
            return
        if OrganizationKind(self.kind).rank <= OrganizationKind(self.parent.kind).rank:
            raise ValidationError(
                {
                    "parent": _("A %(kind)s cannot sit under a %(parent_kind)s.")
                    % {"kind": self.get_kind_display(), "parent_kind": self.parent.get_kind_display()}
                }
            )
        if self.pk and any(
            OrganizationKind(child_kind).rank <= OrganizationKind(self.kind).rank
            for child_kind in Organization.objects.filter(parent=self).values_list("kind", flat=True)
        ):
            raise ValidationError({"kind": _("A union must rank above the unions under it.")})
        if self.pk and self.path and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": _("A union cannot be moved under itself or its own branch.")})


class UserQuerySet(ScopedQuerySet):
    scope_field = "organization__path"


class BangfuUserManager(UserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # createsuperuser hands the REQUIRED_FIELDS foreign key over as the union's primary key.
        organization = extra_fields.get("organization")
        if organization is not None and not isinstance(organization, Organization):
            extra_fields["organization"] = Organization.objects.get(pk=organization)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. Belongs to exactly one union and sees that union's subtree."""

    name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("union"), on_delete=models.PROTECT, related_name="users"
    )
    # What came back to a caseworker (returned, rejected) is new until they next open My work.
    my_work_seen_at = models.DateTimeField(_("My work last opened"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["password", "last_login", "my_work_seen_at"])
    objects = BangfuUserManager()

    REQUIRED_FIELDS = ["organization"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.username

    @property
    def org_path(self) -> str:
        # Lets a user be scoped like any other record: admins see the users of their subtree.
        return self.organization.path

    @property
    def roles(self) -> set[str]:
        if not hasattr(self, "_roles_cache"):
            names = {group.name for group in self.groups.all()}
            self._roles_cache = {role.value for role in Role if role.value in names}
        return self._roles_cache

    @property
    def role(self) -> Role | None:
        """The user's main role; a user normally has exactly one."""
        for role in Role:
            if role.value in self.roles:
                return role
        return None

    def has_role(self, role: Role) -> bool:
        return self.is_active and role.value in self.roles
