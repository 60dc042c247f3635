from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from accounts.errors import NotPermitted
from cases.identity import check_character
from cases.models import Household, Member
from reports.import_tasks import import_upload
from reports.importing import error_workbook, roster_read, template_workbook
from reports.models import ImportJob, ImportStatus
from tests.cases.factories import make_household, make_id_number, member_values

HEAD_ID = make_id_number(date(1975, 4, 3))
SPOUSE_ID = make_id_number(date(1977, 8, 9), male=False)
CHILD_ID = make_id_number(date(2010, 1, 20))
SECOND_HEAD_ID = make_id_number(date(1968, 12, 1))


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def households():
    return [
        {"户序号": 1, "家庭住址": "余姚市阳明街道新建路12号", "户口类型": "非农业", "家庭类型": "城镇困难职工",
         "住房类型": "租房", "建筑面积(平方米)": 45.5, "是否有一定自救能力": "否", "银行卡号": "6228480012345678"},
        {"户序号": 2, "家庭住址": "余姚市梨洲街道东门路3号", "户口类型": "农业", "家庭类型": "困难农民工"},
    ]  # fmt: skip


def members():
    return [
        {"户序号": 1, "姓名": "王建国", "与户主关系": "户主", "身份证号": HEAD_ID, "工作状态": "下岗",
         "手机号码": "13805741234", "健康状况": "重大疾病", "月收入(元)": 1200},
        {"户序号": 1, "姓名": "陈丽", "与户主关系": "配偶", "身份证号": SPOUSE_ID, "工作状态": "在岗",
         "出生日期": date(1977, 8, 9), "月收入(元)": "2300.50"},
        {"户序号": 1, "姓名": "王小明", "与户主关系": "子女", "身份证号": CHILD_ID, "工作状态": "学生或非劳动年龄",
         "就读阶段": "初中"},
        {"户序号": 2, "姓名": "刘强", "与户主关系": "户主", "身份证号": SECOND_HEAD_ID, "工作状态": "灵活就业",
         "健康状况": "残疾", "残疾类别": "肢体", "残疾等级": "二级"},
    ]  # fmt: skip


def roster_bytes(household_rows=None, member_rows=None) -> bytes:
    """The downloadable template, filled in the way a clerk would."""
    workbook = load_workbook(BytesIO(template_workbook()))
    for sheet, rows in (("家庭", household_rows or households()), ("家庭成员", member_rows or members())):
        headers = [cell.value.rstrip("*") for cell in workbook[sheet][1]]
        for row in rows:
            workbook[sheet].append([row.get(header) for header in headers])
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def upload_of(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("花名册.xlsx", content)


@pytest.fixture
def post_upload(client, django_capture_on_commit_callbacks):
    """Upload as the page does, and run the check job it queues (as the worker, or eagerly without a broker, would)."""

    def post(organization, content: bytes):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/imports/upload/", {"organization": organization.pk, "file": upload_of(content)})

    return post


def errors_of(content: bytes, user=None) -> list[tuple]:
    return [
        (error["sheet"], error["row"], error["column"]) for error in roster_read(BytesIO(content), user=user).errors
    ]


def test_it_imports_every_household_and_member(client, caseworker, tree, post_upload):
    client.force_login(caseworker)
    response = post_upload(tree["street_a"], roster_bytes())
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == ImportStatus.VALID
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'data-testid="ready"' in page and "王建国" in page and Household.objects.count() == 0
    client.post(f"/imports/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED and (job.households, job.rows) == (2, 4)
    first = Household.objects.get(address="余姚市阳明街道新建路12号")
    assert first.organization == tree["street_a"] and first.hukou_type == "non_agricultural"
    assert first.housing_type == "rented" and first.housing_area == Decimal("45.50")
    assert first.bank_account == "6228480012345678"
    head = first.members.get(relation="head")
    assert (head.work_status, head.health, head.phone, head.monthly_income) == (
        "laid_off", "serious", "13805741234", Decimal("1200.00"))  # fmt: skip
    assert first.members.get(id_number=SPOUSE_ID).sex == "female"
    assert first.members.get(id_number=CHILD_ID).education_stage == "junior"
    disabled = Member.objects.get(id_number=SECOND_HEAD_ID)
    assert (disabled.disability_type, disabled.disability_grade) == ("physical", 2)
    assert Member.objects.count() == 4


def test_a_second_commit_writes_nothing_more(client, caseworker, tree, post_upload):
    client.force_login(caseworker)
    post_upload(tree["county"], roster_bytes())
    job = ImportJob.objects.get()
    client.post(f"/imports/{job.pk}/commit/")
    client.post(f"/imports/{job.pk}/commit/")
    assert Household.objects.count() == 2


def with_member(index, **changes):
    rows = members()
    rows[index].update(changes)
    return rows


def with_household(index, **changes):
    rows = households()
    rows[index].update(changes)
    return rows


IMPOSSIBLE_ID = "33028119910231" + "001"
IMPOSSIBLE_ID += check_character(IMPOSSIBLE_ID)


@pytest.mark.parametrize(
    ("household_rows", "member_rows", "expected"),
    [
        (
            None,
            with_member(0, 身份证号=HEAD_ID[:17] + ("1" if HEAD_ID[17] != "1" else "2")),
            ("家庭成员", 2, "身份证号"),
        ),
        (None, with_member(1, 身份证号=IMPOSSIBLE_ID), ("家庭成员", 3, "身份证号")),
        (None, with_member(1, 出生日期="1977-02-30"), ("家庭成员", 3, "出生日期")),
        (None, with_member(1, 出生日期="1977-08-10"), ("家庭成员", 3, "出生日期")),
        (None, with_member(3, 身份证号=CHILD_ID), ("家庭成员", 5, "身份证号")),
        (with_household(1, 户口类型="城市户口"), None, ("家庭", 3, "户口类型")),
        (None, with_member(2, 工作状态="打零工"), ("家庭成员", 4, "工作状态")),
        (None, with_member(1, 与户主关系="户主"), ("家庭成员", 3, "与户主关系")),
        (None, with_member(3, 与户主关系="父母"), ("家庭", 3, "户序号")),
        (None, with_member(1, **{"月收入(元)": -5}), ("家庭成员", 3, "月收入(元)")),
        (with_household(0, **{"建筑面积(平方米)": "四十"}), None, ("家庭", 2, "建筑面积(平方米)")),
        (None, with_member(0, 手机号码="0574123456"), ("家庭成员", 2, "手机号码")),
        (None, with_member(0, 姓名=""), ("家庭成员", 2, "姓名")),
        (None, with_member(2, 户序号=9), ("家庭成员", 4, "户序号")),
        (None, with_member(3, 健康状况="残疾", 残疾类别=None), ("家庭成员", 5, "残疾类别")),
    ],
    ids=[
        "check character",
        "impossible date in ID",
        "impossible date",
        "birth date against ID",
        "duplicate ID in file",
        "unknown hukou type",
        "unknown work status",
        "two heads",
        "no head",
        "negative income",
        "area not a number",
        "bad mobile",
        "required name",
        "unknown household key",
        "disability without type",
    ],  # fmt: skip
)
def test_each_error_is_reported_with_its_row_and_column(db, household_rows, member_rows, expected):
    assert errors_of(roster_bytes(household_rows, member_rows)) == [expected]


def test_an_id_number_registered_in_scope_says_where(caseworker, tree, standard_free_household):
    content = roster_bytes(member_rows=with_member(2, 身份证号=standard_free_household))
    [error] = roster_read(BytesIO(content), user=caseworker).errors
    assert (error["sheet"], error["row"], error["column"]) == ("家庭成员", 4, "身份证号")
    assert "新建路99号" in error["message"]


def test_an_id_number_registered_outside_scope_names_no_household(outsider, standard_free_household):
    content = roster_bytes(member_rows=with_member(2, 身份证号=standard_free_household))
    [error] = roster_read(BytesIO(content), user=outsider).errors
    assert error["row"] == 4 and "新建路99号" not in error["message"]


@pytest.fixture
def standard_free_household(tree, caseworker):
    """A household already registered in 余姚; returns its head's ID number."""
    household = make_household(tree["street_a"], caseworker, members=[member_values()], address="新建路99号")
    return household.members.get().id_number


def test_a_file_with_errors_writes_nothing_and_lists_them(client, caseworker, tree, post_upload):
    client.force_login(caseworker)
    content = roster_bytes(member_rows=with_member(0, 手机号码="12345", **{"月收入(元)": -1}))
    post_upload(tree["county"], content)
    job = ImportJob.objects.get()
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert job.status == ImportStatus.INVALID and len(job.errors) == 2
    assert 'data-testid="errors"' in page and "手机号码" in page and "月收入(元)" in page
    assert client.post(f"/imports/{job.pk}/commit/").status_code == 302
    assert Household.objects.count() == 0 and Member.objects.count() == 0


def test_the_error_workbook_marks_the_bad_cells(client, caseworker, tree, post_upload):
    client.force_login(caseworker)
    content = roster_bytes(member_rows=with_member(0, 手机号码="12345"))
    post_upload(tree["county"], content)
    job = ImportJob.objects.get()
    response = client.get(f"/imports/{job.pk}/errors.xlsx")
    workbook = load_workbook(BytesIO(response.content))
    headers = [cell.value for cell in workbook["家庭成员"][1]]
    cell = workbook["家庭成员"].cell(2, headers.index("手机号码") + 1)
    assert cell.fill.fgColor.rgb.endswith("FFC7CE") and "11" in cell.comment.text
    assert workbook["家庭成员"].cell(3, headers.index("手机号码") + 1).comment is None
    assert workbook.worksheets[0].max_row == 2  # the list of errors: header and one error


def test_error_workbook_of_a_clean_file_marks_nothing(db):
    workbook = load_workbook(BytesIO(error_workbook(BytesIO(roster_bytes()), [])))
    assert all(cell.comment is None for row in workbook["家庭成员"].iter_rows() for cell in row)


def test_the_template_has_dropdowns_and_instructions(caseworker, client):
    client.force_login(caseworker)
    response = client.get("/imports/template.xlsx")
    workbook = load_workbook(BytesIO(response.content))
    assert {"填写说明", "家庭", "家庭成员"} <= set(workbook.sheetnames)
    members_sheet = workbook["家庭成员"]
    headers = [cell.value for cell in members_sheet[1]]
    relation = f"{chr(ord('A') + headers.index('与户主关系*'))}2"
    rules = [rule for rule in members_sheet.data_validations.dataValidation if relation in rule.sqref]
    assert rules and rules[0].type == "list"
    lists = workbook["选项"]
    source = rules[0].formula1.split("!")[1].replace("$", "").split(":")
    assert [cell.value for row in lists[source[0] : source[1]] for cell in row] == [
        "户主",
        "配偶",
        "子女",
        "父母",
        "其他",
    ]


def test_a_caseworker_cannot_import_into_a_union_outside_scope(client, outsider, tree):
    client.force_login(outsider)
    response = client.post("/imports/upload/", {"organization": tree["county"].pk, "file": upload_of(roster_bytes())})
    assert response.status_code == 400 and not ImportJob.objects.exists()
    with pytest.raises(NotPermitted):
        import_upload(organization=tree["county"], by=outsider, upload=upload_of(roster_bytes()))
    assert Household.objects.count() == 0


def test_outsider_gets_404_on_a_job(client, caseworker, outsider, tree):
    client.force_login(caseworker)
    client.post("/imports/upload/", {"organization": tree["county"].pk, "file": upload_of(roster_bytes())})
    job = ImportJob.objects.get()
    client.force_login(outsider)
    for url in (f"/imports/{job.pk}/", f"/imports/{job.pk}/progress/", f"/imports/{job.pk}/errors.xlsx"):
        assert client.get(url).status_code == 404
    assert client.post(f"/imports/{job.pk}/commit/").status_code == 404
    assert Household.objects.count() == 0


def test_only_caseworkers_import(client, leader):
    client.force_login(leader)
    assert client.get("/imports/").status_code == 404
    assert client.get("/imports/template.xlsx").status_code == 404


def test_get_on_post_only_views_is_405(client, caseworker):
    client.force_login(caseworker)
    assert client.get("/imports/upload/").status_code == 405
    assert client.get("/imports/1/commit/").status_code == 405


def test_the_page_offers_the_unions_in_scope(client, caseworker, tree):
    client.force_login(caseworker)
    page = client.get("/imports/").content.decode()
    assert tree["street_b"].name in page and tree["sibling_county"].name not in page


def test_a_file_that_is_not_a_workbook_is_refused(client, caseworker, tree, post_upload):
    client.force_login(caseworker)
    post_upload(tree["county"], b"not a zip")
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.INVALID and ".xlsx" in job.errors[0]["message"]
    assert client.get(f"/imports/{job.pk}/").status_code == 200


def write_roster(tmp_path, content: bytes) -> str:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(content)
    return str(path)


def test_the_command_dry_run_writes_nothing(tmp_path, caseworker, tree, capsys):
    call_command("import_households", write_roster(tmp_path, roster_bytes()), "--org", "330281", "--dry-run")
    assert "2 households, 4 members" in capsys.readouterr().out
    assert Household.objects.count() == 0


def test_the_command_imports_all(tmp_path, caseworker, tree):
    call_command("import_households", write_roster(tmp_path, roster_bytes()), "--org", "330281001")
    assert Household.objects.filter(organization=tree["street_a"]).count() == 2


def test_the_command_prints_errors_and_fails(tmp_path, caseworker, tree, capsys):
    path = write_roster(tmp_path, roster_bytes(member_rows=with_member(0, 手机号码="12345")))
    with pytest.raises(CommandError, match="1 errors"):
        call_command("import_households", path, "--org", "330281")
    assert "家庭成员\t2\t手机号码\t" in capsys.readouterr().err
    assert Household.objects.count() == 0


def test_the_command_refuses_an_unknown_union(tmp_path, caseworker):
    with pytest.raises(CommandError):
        call_command("import_households", write_roster(tmp_path, roster_bytes()), "--org", "999999")


def test_a_big_file_runs_as_a_job(client, caseworker, tree, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_DIRECT_MAX_ROWS = 2
    client.force_login(caseworker)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post("/imports/upload/", {"organization": tree["county"].pk, "file": upload_of(roster_bytes())})
    job = ImportJob.objects.get()
    assert len(callbacks) == 1 and job.status == ImportStatus.VALID
    progress = client.get(f"/imports/{job.pk}/progress/")
    assert progress["HX-Refresh"] == "true"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(f"/imports/{job.pk}/commit/")
    job.refresh_from_db()
    assert len(callbacks) == 1 and job.status == ImportStatus.COMMITTED
    assert Member.objects.filter(household__organization=tree["county"]).count() == 4


def test_a_running_job_polls(client, caseworker, tree):
    job = ImportJob(uploaded_by=caseworker, original_name="a.xlsx", file="imports/a.xlsx")
    job.set_organization(tree["county"])
    job.save()
    client.force_login(caseworker)
    response = client.get(f"/imports/{job.pk}/progress/")
    assert "hx-get" in response.content.decode() and "HX-Refresh" not in response


def test_the_page_query_count_does_not_grow_with_the_jobs(client, caseworker, tree, django_assert_max_num_queries):
    for number in range(15):
        job = ImportJob(uploaded_by=caseworker, original_name=f"{number}.xlsx", file=f"imports/{number}.xlsx")
        job.set_organization(tree["street_a"] if number % 2 else tree["county"])
        job.save()
    client.force_login(caseworker)
    with django_assert_max_num_queries(11):
        response = client.get("/imports/")
    assert response.content.decode().count("/imports/") >= 15


def test_a_failed_import_wrote_nothing_and_can_be_tried_again(client, caseworker, tree):
    job = import_upload(organization=tree["county"], by=caseworker, upload=upload_of(roster_bytes()))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, error="连接中断")
    client.force_login(caseworker)
    assert 'data-testid="retry"' in client.get(f"/imports/{job.pk}/").content.decode()
    client.post(f"/imports/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED
    assert Household.objects.count() == len(households())
