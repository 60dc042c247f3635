from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Household, VisitAttachment
from cases.services.plans import measure_add, plan_save
from cases.services.visits import visit_record
from tests.cases.factories import make_active_file, make_household

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def visited_file(active_file, caseworker, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    plan = plan_save(file=active_file, year=date.today().year, goals="稳定就业，子女完成学业", by=caseworker)
    measure = measure_add(plan=plan, by=caseworker, measure_type="employment", description="推荐到光学厂就业",
                          responsible=caseworker, due_date=date(2026, 12, 31))  # fmt: skip
    visit_record(file=active_file, by=caseworker, visited_on=date(2026, 4, 1), kind="routine", findings="家中整洁",
                 measures_checked=[measure], attachments=[SimpleUploadedFile("photo.png", PNG, "image/png")])  # fmt: skip
    return active_file


def urls_for(file):
    household = file.household
    attachment = VisitAttachment.objects.get()
    plan = file.plans.get()
    return [
        f"/households/{household.pk}/",
        f"/households/{household.pk}/edit/",
        f"/households/{household.pk}/card/",
        f"/households/{household.pk}/apply/",
        f"/files/{file.pk}/do/cancel/",
        f"/files/{file.pk}/plan/",
        f"/plans/{plan.pk}/measures/new/",
        f"/files/{file.pk}/visits/new/",
        f"/attachments/{attachment.pk}/",
    ]


def test_every_page_of_a_household_is_a_404_for_the_sibling_county(client, visited_file, outsider):
    client.force_login(outsider)
    for url in urls_for(visited_file):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    measure = visited_file.plans.get().measures.get()
    assert client.post(f"/measures/{measure.pk}/status/", {"status": "done"}).status_code == 404


def test_every_page_of_a_household_opens_for_its_caseworker(client, visited_file, caseworker):
    client.force_login(caseworker)
    for url in urls_for(visited_file):
        expected = 404 if url.endswith("/do/cancel/") else 200  # cancelling a file is the approver's step
        assert client.get(url).status_code == expected, url


def test_measure_status_is_post_only(client, visited_file, caseworker):
    client.force_login(caseworker)
    measure = visited_file.plans.get().measures.get()
    assert client.get(f"/measures/{measure.pk}/status/").status_code == 405
    client.post(f"/measures/{measure.pk}/status/", {"status": "done", "outcome": "已就业"})
    measure.refresh_from_db()
    assert measure.status == "done"


def test_the_attachment_is_served_only_through_the_scoped_view(client, visited_file, caseworker, settings):
    client.force_login(caseworker)
    attachment = VisitAttachment.objects.get()
    response = client.get(f"/attachments/{attachment.pk}/")
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert not str(settings.PRIVATE_MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))


def test_the_list_masks_ids_and_phones(client, household, leader, caseworker):
    head = household.members.get(relation="head")
    for user in (leader, caseworker):
        client.force_login(user)
        html = client.get("/households/").content.decode()
        assert head.id_number not in html
        assert head.id_number[:4] + "**********" + head.id_number[-4:] in html


def test_the_detail_shows_full_ids_to_the_caseworker_only(client, household, leader, caseworker):
    head = household.members.get(relation="head")
    client.force_login(caseworker)
    assert head.id_number in client.get(f"/households/{household.pk}/").content.decode()
    client.force_login(leader)
    assert head.id_number not in client.get(f"/households/{household.pk}/").content.decode()


def test_the_list_shows_only_households_in_scope(client, household, outsider, standard, tree):
    theirs = make_household(tree["sibling_street"], outsider, address="慈溪市浒山街道某路1号")
    client.force_login(outsider)
    html = client.get("/households/").content.decode()
    assert theirs.code in html
    assert household.code not in html


@pytest.mark.parametrize(
    ("query", "found"),
    [("status=active", True), ("status=applied", False), ("q=张伟", True), ("q=王五", False), ("category=deep", True),
]
)  # fmt: skip
def test_the_list_filters(client, active_file, caseworker, query, found):
    client.force_login(caseworker)
    html = client.get(f"/households/?{query}").content.decode()
    assert (active_file.household.code in html) is found


def test_the_overdue_filter_compares_with_today(client, active_file, caseworker):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(caseworker)
    type(active_file).objects.filter(pk=active_file.pk).update(next_visit_due=timezone.localdate() + timedelta(days=1))
    assert active_file.household.code not in client.get("/households/?overdue=on").content.decode()
    type(active_file).objects.filter(pk=active_file.pk).update(next_visit_due=timezone.localdate() - timedelta(days=1))
    assert active_file.household.code in client.get("/households/?overdue=on").content.decode()


def test_search_by_id_number_and_household_code(client, household, caseworker):
    client.force_login(caseworker)
    head = household.members.get(relation="head")
    assert household.code in client.get(f"/households/?q={head.id_number}").content.decode()
    assert household.code in client.get(f"/households/?q={household.code.lower()}").content.decode()


def test_list_queries_do_not_grow_with_rows(
    client, standard, caseworker, approver, tree, django_assert_max_num_queries
):
    for _ in range(3):
        make_active_file(make_household(tree["street_a"], caseworker), caseworker, approver)
    client.force_login(caseworker)
    with django_assert_max_num_queries(20) as few:
        client.get("/households/")
    for _ in range(6):
        make_active_file(make_household(tree["street_b"], caseworker), caseworker, approver)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/households/")


def test_detail_queries_do_not_grow_with_history(client, visited_file, caseworker, django_assert_max_num_queries):
    client.force_login(caseworker)
    url = f"/households/{visited_file.household.pk}/"
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for day in (5, 6, 7):
        visit_record(file=visited_file, by=caseworker, visited_on=date(2026, 5, day), kind="routine", findings="回访",
                     attachments=[SimpleUploadedFile("p.png", PNG)])  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_a_caseworker_registers_a_household_with_members_on_one_page(client, standard, caseworker, tree):
    from tests.cases.factories import make_id_number

    client.force_login(caseworker)
    data = {
        "organization": tree["street_a"].pk, "address": "余姚市梨洲街道文化路8号", "hukou_type": "agricultural",
        "household_type": "migrant_worker",
        "members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-name": "赵强", "members-0-relation": "head", "members-0-id_number": make_id_number(),
        "members-0-work_status": "laid_off", "members-0-health": "healthy", "members-0-ethnicity": "汉族",
        "members-0-political_status": "masses", "members-0-monthly_income": "0",
        "members-1-name": "赵乐", "members-1-relation": "child", "members-1-id_number": make_id_number(date(2010, 1, 1)),
        "members-1-work_status": "not_working_age", "members-1-health": "healthy", "members-1-ethnicity": "汉族",
        "members-1-political_status": "masses", "members-1-monthly_income": "0", "members-1-education_stage": "junior",
    }  # fmt: skip
    response = client.post("/households/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    household = Household.objects.get(address="余姚市梨洲街道文化路8号")
    assert household.members.count() == 2

    data["members-0-relation"] = "child"
    data["address"] = "重复"
    response = client.post("/households/new/", data)
    assert response.status_code == 200
    assert "户主" in response.content.decode()


def test_the_casework_pages_have_no_english_left(client, visited_file, caseworker, approver):
    from tests.test_translations import english_phrases

    household = visited_file.household
    pages = [*urls_for(visited_file)[:-1], "/households/", "/households/new/", "/work/", "/inbox/"]
    for user in (caseworker, approver):
        client.force_login(user)
        for url in pages:
            response = client.get(url)
            if response.status_code == 200:
                assert english_phrases(response.content.decode()) == [], (user.username, url)
    assert household.code in client.get("/households/").content.decode()
