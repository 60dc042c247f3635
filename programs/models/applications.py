import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import ScopedModel, ScopedQuerySet
from cases.choices import EducationStage
from cases.models.visits import attachment_suffix, private_storage
from programs.choices import (
    EDITABLE_STATUSES,
    GRANTED_STATUSES,
    WITHOUT_AID_STATUSES,
    ApplicationStatus,
    DisbursementMethod,
    ProgramKind,
)
from programs.models.programs import money_field


class ApplicationBatch(ScopedModel):
    """A holiday-visit batch: one application per active file in a union's subtree, approved in one action."""

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="batches")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("application batch")
        verbose_name_plural = _("application batches")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.program} · {self.organization}"


class ApplicationQuerySet(ScopedQuerySet):
    def granted(self):
        return self.filter(status__in=GRANTED_STATUSES)

    def editable(self):
        return self.filter(status__in=EDITABLE_STATUSES)


class AidApplication(ScopedModel):
    """An application for aid (帮扶申请): a household, a beneficiary, a program, and the figures its rule needs."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="applications"
    )
    # The program's kind, copied so that the database can hold "one holiday visit a household a year".
    kind = models.CharField(_("program kind"), max_length=20, choices=ProgramKind.choices, editable=False)
    household = models.ForeignKey("cases.Household", on_delete=models.PROTECT, related_name="aid_applications")
    beneficiary = models.ForeignKey(
        "cases.Member", verbose_name=_("beneficiary"), on_delete=models.PROTECT, related_name="aid_applications"
    )
    file = models.ForeignKey(
        "cases.HardshipFile", verbose_name=_("hardship file"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="aid_applications",
    )  # fmt: skip
    measure = models.ForeignKey(
        "cases.PlanMeasure", verbose_name=_("plan measure"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="aid_applications",
    )  # fmt: skip
    batch = models.ForeignKey(
        ApplicationBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="applications"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    reason = models.TextField(_("reason"))
    # The figures the rules need; each kind reads its own.
    disease = models.ForeignKey(
        "programs.Disease", verbose_name=_("disease"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    diagnosis = models.CharField(_("diagnosis"), max_length=200, blank=True)
    out_of_pocket_cost = money_field(_("out-of-pocket cost after reimbursement (yuan)"), null=True, blank=True)
    covered_cost = money_field(_("medical cost covered by the mutual-aid plan (yuan)"), null=True, blank=True)
    hardship_costs = money_field(_("hardship costs of the event (yuan)"), null=True, blank=True)
    education_stage = models.CharField(_("education stage"), max_length=14, choices=EducationStage.choices, blank=True)
    school = models.CharField(_("school"), max_length=100, blank=True)

    requested_amount = money_field(_("requested amount (yuan)"), null=True, blank=True)
    suggested_amount = money_field(_("suggested amount (yuan)"), null=True, blank=True, editable=False)
    maximum_amount = money_field(_("maximum amount (yuan)"), null=True, blank=True, editable=False)
    approved_amount = money_field(_("approved amount (yuan)"), null=True, blank=True, editable=False)
    eligible = models.BooleanField(_("eligible"), null=True, editable=False)
    reasons = models.JSONField(_("the rule's reasons"), default=list, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, db_index=True
    )
    budget = models.ForeignKey(
        "programs.Budget", on_delete=models.PROTECT, null=True, blank=True, related_name="applications",
        editable=False,
    )  # fmt: skip
    approval_organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("to be approved by"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+", editable=False,
    )  # fmt: skip
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ApplicationQuerySet.as_manager()
    # The rule's reasons name the disease; the reason is the caseworker's account of the illness or event.
    health_fields = ("reason", "disease", "diagnosis", "reasons")

    class Meta:
        verbose_name = _("aid application")
        verbose_name_plural = _("aid applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0),
                name="application_approved_not_negative",
                violation_error_code="application_approved_not_negative",
                violation_error_message=_("The approved amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=GRANTED_STATUSES) | Q(approved_amount__isnull=False),
                name="application_granted_has_amount",
                violation_error_code="application_granted_has_amount",
                violation_error_message=_("An approved application needs an approved amount."),
            ),
            models.UniqueConstraint(
                fields=["household", "year"],
                condition=Q(kind=ProgramKind.HOLIDAY) & ~Q(status__in=WITHOUT_AID_STATUSES),
                name="application_one_holiday_visit_a_year",
                violation_error_code="application_one_holiday_visit_a_year",
                violation_error_message=_("This household already has a holiday visit this year."),
            ),
        ]
        indexes = [
            models.Index(fields=["org_path", "status"], name="application_scope_status"),
            models.Index(fields=["approval_organization", "status", "submitted_at"], name="application_inbox"),
            models.Index(fields=["household", "year", "status"], name="application_household_year"),
        ]

    def __str__(self):
        return f"{self.program.name} · {self.beneficiary.name}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("programs:application_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def next_step(self):
        """The step the application waits for, or None once it is closed (paid, rejected, cancelled, or granted as a
        service)."""
        if self.status == ApplicationStatus.APPROVED:
            return _("Record the payment") if self.program.pays_money else None
        return {
            ApplicationStatus.DRAFT: _("Submit for approval"),
            ApplicationStatus.SUBMITTED: _("Approve, return or reject"),
            ApplicationStatus.RETURNED: _("Correct and resubmit"),
        }.get(self.status)

    @property
    def amount_for_tier(self):
        """The amount that decides who approves: what is asked, or what the rule suggests."""
        return self.requested_amount if self.requested_amount is not None else (self.suggested_amount or 0)


class EventQuerySet(ScopedQuerySet):
    scope_field = "application__org_path"


class ApplicationEvent(models.Model):
    """One step of an application: who, when, from which status to which, for how much, and why."""

    application = models.ForeignKey(AidApplication, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=12, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=ApplicationStatus.choices)
    amount = money_field(_("amount (yuan)"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    objects = EventQuerySet.as_manager()
    health_fields = ("comment",)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.application_id} {self.action}"


def attachment_path(instance, filename):
    # A random name on disk: the original name is kept in the row, never used as a path.
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}{attachment_suffix(instance.content_type)}"


class AttachmentQuerySet(ScopedQuerySet):
    scope_field = "application__org_path"


class ApplicationAttachment(models.Model):
    application = models.ForeignKey(AidApplication, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), storage=private_storage, upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = AttachmentQuerySet.as_manager()
    # Medical documents: the file itself is served only to roles that see health data.
    health_fields = ("original_name",)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class DisbursementQuerySet(ScopedQuerySet):
    def counted(self):
        """Payments that stand: a reversed payment (冲正) is kept, with its reversal, but counts nowhere."""
        return self.filter(reversal__isnull=True)


class Disbursement(ScopedModel):
    """A payment (发放) of an approved application, with what was true of the household when it was paid."""

    application = models.OneToOneField(AidApplication, on_delete=models.PROTECT, related_name="disbursement")
    amount = money_field(_("amount paid (yuan)"))
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("method"), max_length=16, choices=DisbursementMethod.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True, help_text=_("e.g. the bank voucher"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Frozen at payment: name, masked ID, bank account, file number, category, address.
    snapshot = models.JSONField(_("household at payment"), default=dict, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = DisbursementQuerySet.as_manager()

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="disbursement_amount_positive",
                violation_error_code="disbursement_amount_positive",
                violation_error_message=_("A payment must be above zero."),
            )
        ]

    def __str__(self):
        return f"{self.application_id} {self.amount}"


class PaymentReversal(models.Model):
    """The reversal (冲正) of a recorded payment: the payment row stays as it was; this row says it no longer stands."""

    disbursement = models.OneToOneField(Disbursement, on_delete=models.PROTECT, related_name="reversal")
    reason = models.TextField(_("reason"))
    reversed_on = models.DateField(_("reversed on"))
    reversed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    # Free text about the household's payment: may say why (a hospital, an illness).
    health_fields = ("reason",)

    class Meta:
        verbose_name = _("payment reversal")
        verbose_name_plural = _("payment reversals")

    def __str__(self):
        return f"{self.disbursement} {self.reversed_on}"
