from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.scoping import ScopedQuerySet
from cases.choices import VisitKind


class PrivateStorage(FileSystemStorage):
    """Attachments live under PRIVATE_MEDIA_ROOT, outside the web root; only a scoped view serves them.

    The root is read at each use, so a changed setting (tests, deployments) takes effect at once.
    """

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return str(Path(settings.PRIVATE_MEDIA_ROOT).resolve())

    @property
    def base_url(self):
        return None


private_storage = PrivateStorage()


class VisitQuerySet(ScopedQuerySet):
    scope_field = "file__org_path"


class Visit(models.Model):
    """A home visit (入户走访)."""

    file = models.ForeignKey("cases.HardshipFile", on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("visit date"))
    kind = models.CharField(
        pgettext_lazy("visit", "kind"), max_length=14, choices=VisitKind.choices, default=VisitKind.ROUTINE
    )
    visitors = models.CharField(_("visitors"), max_length=200, blank=True)
    findings = models.TextField(_("findings"))
    income_assessment = models.ForeignKey(
        "cases.IncomeAssessment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    measures_checked = models.ManyToManyField("cases.PlanMeasure", blank=True, related_name="visits")
    next_due = models.DateField(_("next visit due"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[])
    objects = VisitQuerySet.as_manager()
    # What the caseworker saw at home: illnesses, treatment, disability.
    health_fields = ("findings",)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.file} {self.visited_on}"


class AttachmentQuerySet(ScopedQuerySet):
    scope_field = "visit__file__org_path"


# The suffix of a stored or downloaded attachment follows the type its first bytes show, never the uploaded name.
ATTACHMENT_SUFFIXES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}


def attachment_suffix(content_type: str) -> str:
    return ATTACHMENT_SUFFIXES.get(content_type, ".bin")


def attachment_path(instance, filename):
    # A random name on disk: the original name is kept in the row, never used as a path.
    import uuid

    return f"visits/{instance.visit.file_id}/{uuid.uuid4().hex}{attachment_suffix(instance.content_type)}"


class VisitAttachment(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), storage=private_storage, upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = AttachmentQuerySet.as_manager()
    # The file itself is served only to roles that see health data (cases.views.visits.private_file_response).
    health_fields = ("original_name",)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name
