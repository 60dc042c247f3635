from datetime import date

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.errors import DomainError
from accounts.models import User
from cases.choices import FILED_STATUSES, FileStatus
from cases.errors import InvalidAttachment
from cases.models import HardshipFile, PlanMeasure, Visit, VisitAttachment
from cases.services.households import Finances, ensure_caseworker_for, income_assess, standard_for
from cases.workdays import add_months

# What the first bytes of an allowed file look like; the name and the browser's claim are not trusted.
SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"%PDF-": "application/pdf",
}
VISITABLE = [FileStatus.FIRST_REVIEWED, *FILED_STATUSES, FileStatus.EXITED, FileStatus.RELIEVED]


def sniff_content_type(upload: UploadedFile) -> str:
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    raise InvalidAttachment(_("%(name)s is not a photo (JPEG, PNG, WebP) or a PDF.") % {"name": upload.name})


def check_attachment(upload: UploadedFile) -> str:
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise InvalidAttachment(
            _("%(name)s is larger than %(limit)d MB.")
            % {"name": upload.name, "limit": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        )
    return sniff_content_type(upload)


@transaction.atomic
def visit_record(
    *,
    file: HardshipFile,
    by: User,
    visited_on: date,
    kind: str,
    findings: str,
    visitors: str = "",
    finances: Finances | None = None,
    measures_checked: list[PlanMeasure] = (),
    next_due: date | None = None,
    attachments: list[UploadedFile] = (),
    today: date | None = None,
) -> Visit:
    """Record a home visit; new finances create an income assessment; the file's next visit moves on."""
    ensure_caseworker_for(by, file)
    today = today or timezone.localdate()
    if visited_on > today:
        raise DomainError(_("A visit cannot be dated in the future."), field="visited_on")
    if file.status not in VISITABLE:
        raise DomainError(_("Visits are recorded for files under check, active files and exited households."))
    content_types = [check_attachment(upload) for upload in attachments]
    if any(measure.plan.file_id != file.pk for measure in measures_checked):
        raise DomainError(_("A checked measure belongs to another file."))
    assessment = None
    if finances is not None:
        assessment = income_assess(household=file.household, by=by, finances=finances, assessed_on=visited_on)
    interval = standard_for(file.household, visited_on).visit_interval_months
    latest_due = add_months(visited_on, interval)
    next_due = next_due or latest_due
    if next_due <= visited_on:
        raise DomainError(_("The next visit must come after this one."), field="next_due")
    if next_due > latest_due:
        raise DomainError(
            _("Visits here are at most %(months)d months apart: the next one is due by %(date)s.")
            % {"months": interval, "date": latest_due.isoformat()},
            field="next_due",
        )
    visit = Visit.objects.create(
        file=file,
        visited_on=visited_on,
        kind=kind,
        visitors=visitors,
        findings=findings,
        income_assessment=assessment,
        next_due=next_due,
        recorded_by=by,
    )
    visit.measures_checked.set(measures_checked)
    for upload, content_type in zip(attachments, content_types, strict=True):
        VisitAttachment.objects.create(
            visit=visit,
            file=upload,
            original_name=upload.name[:200],
            content_type=content_type,
            size=upload.size,
            uploaded_by=by,
        )
    # The latest visit decides when the next is due, even when an older visit is entered late.
    latest = file.visits.order_by("-visited_on", "-id").first()
    HardshipFile.objects.filter(pk=file.pk).update(next_visit_due=latest.next_due)
    return visit
