"""The programs pages: scoping (an outsider gets 404), POST-only steps, the apply flow with its live check,
the approver inbox by tier, and query counts that do not grow with the rows."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from programs.choices import ApplicationStatus, ProgramKind
from programs.models import AidApplication, ApplicationAttachment
from programs.services.applications import application_submit
from programs.services.money import application_approve, disbursement_record
from tests.cases.factories import make_active_file, make_household, member_values
from tests.programs.factories import make_program
from tests.programs.helpers import apply

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def paid_application(illness_program, active_file, caseworker, approver, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    application = apply(illness_program, active_file.household, caseworker, disease=illness_program.diseases.first(),
                        out_of_pocket_cost=Decimal("52000"),
                        attachments=[SimpleUploadedFile("invoice.png", PNG, "image/png")])  # fmt: skip
    application_submit(application=application, by=caseworker)
    application_approve(application=application, by=approver)
    disbursement_record(application=application, by=approver, paid_on=timezone.localdate(), method="bank_transfer")
    return application


def urls_for(application):
    attachment = ApplicationAttachment.objects.get(application=application)
    return [
        f"/programs/{application.program_id}/",
        f"/households/{application.household_id}/aid/new/",
        f"/households/{application.household_id}/aid/new/?program={application.program_id}",
        f"/aid/{application.pk}/",
        f"/aid/{application.pk}/pay/",
        f"/aid/attachments/{attachment.pk}/",
    ]


def test_every_aid_page_is_a_404_for_the_sibling_county(client, paid_application, outsider):
    client.force_login(outsider)
    for url in urls_for(paid_application):
        assert client.get(url).status_code == 404, url
    for url in [f"/aid/{paid_application.pk}/do/cancel/", f"/households/{paid_application.household_id}/aid/check/"]:
        assert client.post(url, {"comment": "x"}).status_code == 404, url
    assert f"/aid/{paid_application.pk}/" not in client.get("/aid/").content.decode()


def test_the_outsiders_program_is_a_404(client, tree, tiers, caseworker):
    theirs = make_program(tree["sibling_county"], ProgramKind.HOLIDAY)
    client.force_login(caseworker)
    assert client.get(f"/programs/{theirs.pk}/").status_code == 404
    assert theirs.code not in client.get("/programs/").content.decode()


def test_the_aid_pages_open_for_the_caseworker(client, paid_application, caseworker):
    client.force_login(caseworker)
    for url in urls_for(paid_application):
        expected = (404,) if url.endswith("/pay/") else (200, 302)  # payment is the approver's duty
        assert client.get(url).status_code in expected, url


def test_post_only_steps_refuse_get(client, paid_application, approver, tree):
    client.force_login(approver)
    assert client.get(f"/households/{paid_application.household_id}/aid/check/").status_code == 405
    assert client.get("/batches/1/approve/").status_code == 405


def test_the_household_page_shows_the_application_and_the_payment(client, paid_application, caseworker):
    client.force_login(caseworker)
    html = client.get(f"/households/{paid_application.household_id}/").content.decode()
    assert paid_application.program.name in html
    assert 'data-testid="timeline-payment"' in html
    assert "¥6,000.00" in html


def test_the_live_check_answers_without_saving(client, illness_program, active_file, caseworker):
    client.force_login(caseworker)
    head = active_file.household.members.get(relation="head")
    url = f"/households/{active_file.household_id}/aid/check/?program={illness_program.pk}"
    response = client.post(url, {"beneficiary": head.pk, "disease": illness_program.diseases.first().pk,
                                 "out_of_pocket_cost": "85000"}, headers={"HX-Request": "true"})  # fmt: skip
    assert response.status_code == 200
    assert 'data-testid="suggested"' in response.content.decode()
    assert "¥8,000.00" in response.content.decode()
    assert not AidApplication.objects.exists()
    below = client.post(url, {"beneficiary": head.pk, "disease": illness_program.diseases.first().pk,
                              "out_of_pocket_cost": "1000"})  # fmt: skip
    assert 'data-testid="suggested"' not in below.content.decode()


def test_the_apply_form_saves_a_draft_then_submit_sends_it(client, illness_program, active_file, caseworker):
    client.force_login(caseworker)
    head = active_file.household.members.get(relation="head")
    response = client.post(
        f"/households/{active_file.household_id}/aid/new/?program={illness_program.pk}",
        {"beneficiary": head.pk, "reason": "肺癌化疗", "disease": illness_program.diseases.first().pk,
         "out_of_pocket_cost": "31000"},
    )  # fmt: skip
    application = AidApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/aid/{application.pk}/"
    assert application.status == ApplicationStatus.DRAFT
    assert application.suggested_amount == Decimal("4000.00")
    client.post(f"/aid/{application.pk}/do/submit/", {"comment": ""})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_an_ineligible_application_shows_why_and_stays_a_draft(client, illness_program, active_file, caseworker):
    application = apply(illness_program, active_file.household, caseworker, disease=illness_program.diseases.first(),
                        out_of_pocket_cost=Decimal("1000"))  # fmt: skip
    client.force_login(caseworker)
    response = client.post(f"/aid/{application.pk}/do/submit/", {"comment": ""}, follow=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert "1,000.00" in response.content.decode()


def test_the_approver_approves_from_the_page_and_a_double_click_approves_once(client, illness_program, active_file,
                                                                              caseworker, approver):  # fmt: skip
    application = apply(illness_program, active_file.household, caseworker, disease=illness_program.diseases.first(),
                        out_of_pocket_cost=Decimal("52000"))  # fmt: skip
    application_submit(application=application, by=caseworker)
    client.force_login(approver)
    for _ in range(2):
        response = client.post(f"/aid/{application.pk}/do/approve/", {"amount": "6000", "comment": ""})
        assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.events.filter(action="approve").count() == 1


def _waiting(program, household, caseworker, cost="52000"):
    application = apply(
        program, household, caseworker, disease=program.diseases.first(), out_of_pocket_cost=Decimal(cost)
    )
    return application_submit(application=application, by=caseworker)


def test_the_inbox_lists_what_my_union_approves_oldest_first(client, tree, illness_program, active_file, caseworker,
                                                             approver, city_approver):  # fmt: skip
    first = _waiting(illness_program, active_file.household, caseworker)
    client.force_login(approver)
    html = client.get("/aid/inbox/").content.decode()
    assert f"/aid/{first.pk}/" in html
    client.force_login(city_approver)
    assert f"/aid/{first.pk}/" not in client.get("/aid/inbox/").content.decode()


def _many_households(tree, caseworker, approver, count):
    households = []
    for index in range(count):
        members = [
            member_values(name=f"户主{index}"),
            member_values("spouse", f"配偶{index}", date(1983, 1, 9)),
            member_values("child", f"子女{index}", date(2010, 2, 3), work_status="not_working_age"),
        ]
        household = make_household(tree["street_b"], caseworker, members=members, address=f"梨洲街道{index}号")
        make_active_file(household, caseworker, approver)
        households.append(household)
    return households


@pytest.mark.parametrize("path", ["/aid/inbox/", "/aid/", "/aid/?status=submitted", "/programs/"])
def test_list_pages_read_in_a_fixed_number_of_queries(client, tree, illness_program, standard, caseworker, approver,
                                                      django_assert_max_num_queries, path):  # fmt: skip
    for household in _many_households(tree, caseworker, approver, 2):
        _waiting(illness_program, household, caseworker)
    client.force_login(approver)
    with django_assert_max_num_queries(12) as few:
        assert client.get(path).status_code == 200
    for household in _many_households(tree, caseworker, approver, 6):
        _waiting(illness_program, household, caseworker)
        make_program(tree["county"], ProgramKind.HOLIDAY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(path).status_code == 200


def test_the_application_page_reads_in_a_fixed_number_of_queries(client, paid_application, approver,
                                                                  django_assert_max_num_queries):  # fmt: skip
    client.force_login(approver)
    with django_assert_max_num_queries(20):
        assert client.get(f"/aid/{paid_application.pk}/").status_code == 200


def test_the_program_page_explains_the_rule_and_shows_the_budget(client, paid_application, caseworker):
    client.force_login(caseworker)
    html = client.get(f"/programs/{paid_application.program_id}/").content.decode()
    assert "30,000.00" in html  # the threshold, in words
    assert "¥994,000.00" in html  # 1,000,000 − 6,000 paid


def test_the_approve_button_shows_only_to_the_tier_that_may_approve(client, tree, tiers, active_file, caseworker,
                                                                    approver, city_approver):  # fmt: skip
    big = make_program(
        tree["city"], ProgramKind.CRITICAL_ILLNESS, parameters={"threshold": "30000", "bands": [["30000", "30000"]]}
    )
    application = _waiting(big, active_file.household, caseworker, cost="60000")
    assert application.approval_organization == tree["city"]
    client.force_login(approver)
    assert f"/aid/{application.pk}/do/approve/" not in client.get(f"/aid/{application.pk}/").content.decode()
    assert f"/aid/{application.pk}/" not in client.get("/aid/inbox/").content.decode()
    client.force_login(city_approver)
    assert f"/aid/{application.pk}/do/approve/" in client.get(f"/aid/{application.pk}/").content.decode()
    assert f"/aid/{application.pk}/" in client.get("/aid/inbox/").content.decode()


def test_a_leader_reads_the_decision_but_not_the_disease(client, paid_application, leader):
    client.force_login(leader)
    html = client.get(f"/aid/{paid_application.pk}/").content.decode()
    assert paid_application.disease.name not in html
    assert "符合条件" in html


def test_a_program_that_is_not_a_number_is_a_404_not_an_error(client, active_file, caseworker):
    client.force_login(caseworker)
    assert client.post(f"/households/{active_file.household_id}/aid/check/?program=abc").status_code == 404


def test_the_plan_measure_shows_the_status_of_the_application_that_carries_it(client, illness_program, active_file,
                                                                             caseworker):  # fmt: skip
    from cases.services.plans import measure_add, plan_save

    plan = plan_save(file=active_file, year=date.today().year, goals="落实大病救助", by=caseworker)
    measure = measure_add(plan=plan, by=caseworker, measure_type="medical", description="申请大病救助",
                          responsible=caseworker, due_date=date(2026, 12, 31))  # fmt: skip
    application = apply(illness_program, active_file.household, caseworker, measure=measure,
                        disease=illness_program.diseases.first(), out_of_pocket_cost=Decimal("40000"))  # fmt: skip
    client.force_login(caseworker)
    html = client.get(f"/households/{active_file.household_id}/").content.decode()
    link = html[html.index('data-testid="measure-link"') :][:400]
    assert f"/aid/{application.pk}/" in link and "草稿" in link
