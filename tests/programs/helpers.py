from decimal import Decimal

from programs.services.applications import application_create, application_evaluate, application_submit
from programs.services.money import application_approve


def apply(program, household, by, beneficiary=None, reason="家庭困难，申请救助", **figures):
    beneficiary = beneficiary or household.members.get(relation="head")
    household.refresh_from_db()
    return application_create(
        program=program, household=household, beneficiary=beneficiary, by=by, reason=reason, **figures
    )


def verdict_of(program, household, by, **figures):
    return application_evaluate(apply(program, household, by, **figures))


def grant(program, household, caseworker, approver, amount=None, **figures):
    """Apply, submit and approve: aid already granted this year, as the rules read it."""
    application = apply(program, household, caseworker, **figures)
    if amount is not None:
        application.requested_amount = Decimal(amount)
        application.save(update_fields=["requested_amount"])
    application_submit(application=application, by=caseworker)
    return application_approve(application=application, by=approver).application


def approved_on(application, day):
    """As if the approval had been given on `day` (a payment cannot be dated before its approval)."""
    from datetime import datetime, time

    from django.utils import timezone

    from programs.models import AidApplication

    decided_at = timezone.make_aware(datetime.combine(day, time(9)))
    AidApplication.objects.filter(pk=application.pk).update(decided_at=decided_at)
    application.decided_at = decided_at
    return application
