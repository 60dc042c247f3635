"""Reads that the programs pages share: already scoped, already joined."""

from django.db.models import Count, Min, Q
from django.urls import reverse

from accounts.roles import Role
from cases.models.households import heads_prefetch
from programs.choices import ApplicationStatus
from programs.models import AidApplication, ApplicationEvent, Program


def applications_for_list(user):
    return (
        AidApplication.objects.visible_to(user)
        .select_related("program", "household", "beneficiary", "organization", "disbursement")
        .prefetch_related(heads_prefetch("household__members"))
        .order_by("-created_at", "-id")
    )


def inbox_for(user):
    """Submitted applications in the user's scope that the user's union is to approve, oldest first."""
    return (
        AidApplication.objects.visible_to(user)
        .filter(status=ApplicationStatus.SUBMITTED, approval_organization=user.organization)
        .select_related("program", "household", "beneficiary", "organization", "submitted_by")
        .prefetch_related(heads_prefetch("household__members"))
        .order_by("submitted_at", "id")
    )


def returned_applications(user):
    """Steps by which an application the user made or sent was returned or rejected by another (for My work)."""
    from cases.returned import RETURN_ACTIONS

    return (
        ApplicationEvent.objects.visible_to(user)
        .filter(action__in=RETURN_ACTIONS)
        .filter(Q(application__created_by=user) | Q(application__submitted_by=user))
        .exclude(by=user)
        .select_related("by", "application__program", "application__household", "application__beneficiary")
    )


def inbox_summary(user) -> dict:
    """How many wait and since when, for the inbox heading and the navigation."""
    return inbox_for(user).aggregate(count=Count("id"), oldest=Min("submitted_at"))


def programs_for_household(household):
    return Program.objects.usable_for(household.organization).active().select_related("funding_source")


def household_aid(context: dict) -> None:
    """The household page's aid panel, its applications and payments on the timeline, and measure links."""
    household, user = context["household"], context["user"]
    applications = list(
        AidApplication.objects.filter(household=household)
        .select_related("program", "beneficiary", "disbursement")
        .order_by("-created_at", "-id")
    )
    context["panels"].append(
        {
            "template": "programs/_household_aid.html",
            "applications": applications,
            "may_apply": user.has_role(Role.CASEWORKER),
        }
    )
    for application in applications:
        context["timeline"].append(
            {"at": application.created_at, "kind": "aid", "template": "programs/_timeline_application.html",
             "application": application}
        )  # fmt: skip
        payment = getattr(application, "disbursement", None)
        if payment is not None:
            context["timeline"].append(
                {"at": payment.created_at, "kind": "payment", "template": "programs/_timeline_payment.html",
                 "application": application, "payment": payment}
            )  # fmt: skip
    plan = context.get("plan")
    if plan is not None:
        by_measure: dict[int, list] = {}
        for application in applications:
            if application.measure_id:
                by_measure.setdefault(application.measure_id, []).append(
                    {"url": reverse("programs:application_detail", args=[application.pk]),
                     "label": application.program.name, "status": application.get_status_display()}
                )  # fmt: skip
        for measure in plan.measures.all():
            measure.links = by_measure.get(measure.pk, [])
