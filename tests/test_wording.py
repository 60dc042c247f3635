"""Words that fit, as the pages show them: a member's 姓名, a visit's 走访类型, a rejected application 不予帮扶."""

import re
from decimal import Decimal

from programs.services.applications import application_decide, application_submit
from tests.programs.conftest import illness_program, tiers  # noqa: F401
from tests.programs.helpers import apply


def label_for(html: str, field_id: str) -> str:
    return re.search(rf'<label[^>]*for="{field_id}"[^>]*>(.*?)</label>', html, re.S).group(1)


def test_a_member_has_a_full_name_on_the_household_form_and_page(client, household, caseworker):
    client.force_login(caseworker)
    form = client.get(f"/households/{household.pk}/edit/").content.decode()
    assert "姓名" in label_for(form, "id_members-0-name")
    assert "名称" not in label_for(form, "id_members-0-name")
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert "<th>姓名</th>" in page
    assert "<th>名称</th>" not in page


def test_a_visit_has_a_visit_type(client, active_file, caseworker):
    client.force_login(caseworker)
    form = client.get(f"/files/{active_file.pk}/visits/new/").content.decode()
    assert "走访类型" in label_for(form, "id_kind")
    assert "级别" not in form


def test_a_rejected_application_reads_not_granted(client, active_file, caseworker, approver, illness_program):  # noqa: F811
    household = active_file.household
    disease = illness_program.diseases.first()
    application = apply(illness_program, household, caseworker, disease=disease, out_of_pocket_cost=Decimal("30000"))
    application_submit(application=application, by=caseworker)
    client.force_login(approver)
    detail = client.get(f"/aid/{application.pk}/").content.decode()
    assert "不予帮扶" in detail  # the button
    assert "不予建档" not in detail
    application_decide(application=application, action="reject", by=approver, comment="收入超过标准")
    client.force_login(caseworker)
    for path in (f"/aid/{application.pk}/", "/aid/"):
        html = client.get(path).content.decode()
        assert "不予帮扶" in html, path
        assert "不予建档" not in html, path


def test_a_rejected_file_still_reads_not_registered(client, household, caseworker, approver):
    from cases.services.files import file_transition
    from tests.cases.factories import make_file

    hardship_file = make_file(household, caseworker)
    file_transition(file=hardship_file, action="reject", by=approver, comment="收入超过标准")
    client.force_login(caseworker)
    assert "不予建档" in client.get(f"/households/{household.pk}/").content.decode()
