from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.errors import DomainError
from cases.errors import InvalidAttachment
from cases.models import HardshipFile, VisitAttachment
from cases.services.households import Finances
from cases.services.visits import visit_record

PDF = b"%PDF-1.4\n" + b"0" * 100


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def record(file, by, **extra):
    values = {"visited_on": date(2026, 4, 1), "kind": "routine", "findings": "家中情况稳定"}
    values.update(extra)
    return visit_record(file=file, by=by, **values)


def test_a_visit_moves_the_next_due_date_six_months_on(active_file, caseworker):
    record(active_file, caseworker)
    assert HardshipFile.objects.get(pk=active_file.pk).next_visit_due == date(2026, 10, 1)


def test_a_late_entry_of_an_older_visit_does_not_pull_the_due_date_back(active_file, caseworker):
    record(active_file, caseworker, visited_on=date(2026, 5, 1))
    record(active_file, caseworker, visited_on=date(2026, 4, 1))
    assert HardshipFile.objects.get(pk=active_file.pk).next_visit_due == date(2026, 11, 1)


def test_new_finances_create_an_income_assessment(active_file, caseworker):
    visit = record(active_file, caseworker, finances=Finances(wages=Decimal("60000")))
    assert visit.income_assessment.per_capita_monthly == Decimal("1666.67")
    assert visit.income_assessment.implied_category == "relative"
    assert active_file.household.income_assessments.count() == 2


def test_photos_and_pdfs_are_stored_privately(active_file, caseworker, tmp_path):
    visit = record(active_file, caseworker, attachments=[SimpleUploadedFile("report.pdf", PDF)])
    attachment = visit.attachments.get()
    assert attachment.content_type == "application/pdf"
    assert str(tmp_path) in attachment.file.path
    assert "report" not in attachment.file.name  # random names on disk


def test_a_disguised_file_is_refused_and_nothing_is_saved(active_file, caseworker):
    with pytest.raises(InvalidAttachment):
        record(active_file, caseworker, attachments=[SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not a photo")])
    assert not active_file.visits.exists()
    assert not VisitAttachment.objects.exists()


def test_a_file_over_the_limit_is_refused(active_file, caseworker, settings):
    settings.ATTACHMENT_MAX_BYTES = 50
    with pytest.raises(InvalidAttachment):
        record(active_file, caseworker, attachments=[SimpleUploadedFile("r.pdf", PDF)])


def test_only_caseworkers_in_scope_record_visits(active_file, leader, outsider):
    for user in (leader, outsider):
        with pytest.raises(DomainError):
            record(active_file, user)


def test_the_next_visit_must_be_later(active_file, caseworker):
    with pytest.raises(DomainError):
        record(active_file, caseworker, next_due=date(2026, 3, 1))


def test_a_visit_form_posted_from_a_phone(client, active_file, caseworker):
    client.force_login(caseworker)
    response = client.post(
        f"/files/{active_file.pk}/visits/new/",
        {"visited_on": "2026-04-02", "kind": "routine", "findings": "户主已在社区岗位就业",
         "attachments": [SimpleUploadedFile("p.pdf", PDF)]},
    )  # fmt: skip
    assert response.status_code == 302
    assert active_file.visits.get().attachments.count() == 1
