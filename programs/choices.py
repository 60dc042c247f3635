"""The enumerations of the aid programs (DOMAIN.md "Aid programs")."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.choices import EducationStage


class FundingKind(models.TextChoices):
    UNION_FUND = "union_fund", _("Union funds")
    CENTRAL_SPECIAL = "central_special", _("Central special assistance fund")
    GOVERNMENT = "government", _("Government funds")
    DONATION = "donation", _("Social donation")


class ProgramKind(models.TextChoices):
    LIVING = "living", _("Living aid")
    CRITICAL_ILLNESS = "critical_illness", _("Critical illness relief")
    GOLDEN_AUTUMN = "golden_autumn", _("Golden Autumn school grant")
    TEMPORARY = "temporary", _("Temporary relief")
    HOLIDAY = "holiday", _("Holiday visit")
    MEDICAL_MUTUAL = "medical_mutual", _("Medical mutual aid")
    EMPLOYMENT = "employment", _("Employment help")
    LEGAL = "legal", _("Legal aid")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", pgettext_lazy("application", "Rejected")
    DISBURSED = "disbursed", _("Paid")
    REVERSED = "reversed", _("Payment reversed")
    CANCELLED = "cancelled", _("Cancelled")


# Money counts against the budget in these statuses: committed while approved, paid once disbursed.
GRANTED_STATUSES = [ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED]
# A caseworker may still change the application in these.
EDITABLE_STATUSES = [ApplicationStatus.DRAFT, ApplicationStatus.RETURNED]
# Closed without aid: such an application no longer holds the household's once-a-year holiday visit.
WITHOUT_AID_STATUSES = [ApplicationStatus.REJECTED, ApplicationStatus.CANCELLED, ApplicationStatus.REVERSED]


class DisbursementMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CASH = "cash", _("Cash")
    IN_KIND = "in_kind", _("In kind")


class DiseaseCategory(models.TextChoices):
    CANCER = "cancer", _("Malignant tumour")
    CARDIOVASCULAR = "cardiovascular", _("Cardiovascular or cerebrovascular")
    KIDNEY = "kidney", _("End-stage kidney disease")
    TRANSPLANT = "transplant", _("Organ transplant")
    BLOOD = "blood", _("Blood disease")
    MENTAL = "mental", _("Severe mental illness")
    OTHER = "other", _("Other")


# The stages a Golden Autumn grant pays for, grouped as the rule's amounts are.
HIGHER_EDUCATION = [EducationStage.COLLEGE, EducationStage.UNDERGRADUATE, EducationStage.GRADUATE]
SENIOR_HIGH = [EducationStage.SENIOR, EducationStage.VOCATIONAL]
