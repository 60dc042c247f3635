"""Uploaded photos and PDFs: who downloads them, how they are served, and what their stored and served names end in."""

from pathlib import Path

import pytest

from programs.choices import ProgramKind
from tests.programs.factories import make_program, make_tiers
from tests.sensitive_case import DIAGNOSIS, PDF_WITH_SCRIPT, PNG, make_sensitive_case


@pytest.fixture
def case(tree, standard, caseworker, approver, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    make_tiers()
    county = tree["county"]
    make_program(county, ProgramKind.HOLIDAY)
    return make_sensitive_case(
        street=tree["street_a"], county=county, caseworker=caseworker, approver=approver,
        illness=make_program(county, ProgramKind.CRITICAL_ILLNESS), other=make_program(county, ProgramKind.TEMPORARY),
    )  # fmt: skip


def visit_pdf(case):
    return case.visit.attachments.get(content_type="application/pdf")


def visit_photo(case):
    return case.visit.attachments.get(content_type="image/png")


def test_it_stores_a_file_under_the_suffix_of_its_sniffed_type_not_its_name(case):
    photo = visit_photo(case)
    assert photo.original_name == "evil.html"
    assert Path(photo.file.name).suffix == ".png"
    assert Path(visit_pdf(case).file.name).suffix == ".pdf"
    assert Path(case.submitted.attachments.get().file.name).suffix == ".pdf"


def test_it_serves_a_pdf_as_a_download_never_inline(client, case, caseworker):
    client.force_login(caseworker)
    for url in (f"/attachments/{visit_pdf(case).pk}/", f"/aid/attachments/{case.submitted.attachments.get().pk}/"):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox"
        assert b"".join(response.streaming_content) == PDF_WITH_SCRIPT


def test_it_shows_a_photo_inline_in_a_sandbox_named_by_its_sniffed_type(client, case, caseworker):
    client.force_login(caseworker)
    response = client.get(f"/attachments/{visit_photo(case).pk}/")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="evil.png"'
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG


def test_roles_that_do_not_see_health_data_get_404(client, case, leader, union_admin):
    urls = [f"/attachments/{visit_pdf(case).pk}/", f"/aid/attachments/{case.submitted.attachments.get().pk}/"]
    for user in (leader, union_admin):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)


def test_the_approver_downloads_them(client, case, approver):
    client.force_login(approver)
    assert client.get(f"/aid/attachments/{case.submitted.attachments.get().pk}/").status_code == 200
    assert client.get(f"/attachments/{visit_pdf(case).pk}/").status_code == 200


def test_the_outsider_gets_404(client, case, outsider):
    client.force_login(outsider)
    assert client.get(f"/attachments/{visit_pdf(case).pk}/").status_code == 404
    assert client.get(f"/aid/attachments/{case.submitted.attachments.get().pk}/").status_code == 404


def test_the_pages_show_a_leader_no_link_they_cannot_follow(client, case, leader, caseworker):
    client.force_login(leader)
    application = client.get(f"/aid/{case.submitted.pk}/").content.decode()
    household = client.get(f"/households/{case.household.pk}/").content.decode()
    assert "/aid/attachments/" not in application and "/attachments/" not in household
    assert "1 个附件" in application  # how many there are, not what they are called
    client.force_login(caseworker)
    application = client.get(f"/aid/{case.submitted.pk}/").content.decode()
    household = client.get(f"/households/{case.household.pk}/").content.decode()
    assert f"/aid/attachments/{case.submitted.attachments.get().pk}/" in application
    assert f"/attachments/{visit_pdf(case).pk}/" in household and f"{DIAGNOSIS}诊断证明.pdf" in household
