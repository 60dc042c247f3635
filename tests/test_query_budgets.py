"""Query budgets: each page reads in a number of queries that does not grow with the rows it lists.

Each test renders a page over a little data, then adds several times more of the rows the page lists and checks
the count did not grow; a fixed upper bound per page makes a regression visible even when it does not scale.
"""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import OrganizationKind
from cases.choices import Relation, WorkStatus
from cases.services.households import member_create
from cases.services.plans import measure_add, plan_save
from programs.choices import ProgramKind
from programs.models import AidApplication, ApplicationBatch, Disease
from programs.services.money import holiday_batch_generate
from reports.import_tasks import import_check, import_upload
from reports.models import ExportJob, ImportJob, ImportStatus, JobStatus, LedgerKind
from tests.cases.factories import make_active_file, make_household, make_id_number, member_values
from tests.factories import OrganizationFactory
from tests.programs.factories import make_budget, make_program, make_tiers
from tests.programs.helpers import apply
from tests.reports.test_import import roster_bytes

_numbers = iter(range(10**6))


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.fixture
def constant(client, django_assert_max_num_queries):
    """`constant(url, add_rows, budget)`: over a little data the page reads in at most `budget` queries, and once
    `add_rows()` has added several times more of the rows it lists, in no more than it did before.

    Returns the page as read after the rows were added, to check that they show."""

    def check(url, add_rows, budget):
        client.get(url)  # warm up: the session, the content types, the caches
        few = queries_of(client, url)
        assert few <= budget, f"{url}: {few} queries, the budget is {budget}"
        add_rows()
        with django_assert_max_num_queries(few, info=f"{url}: more queries with more rows"):
            response = client.get(url)
        assert response.status_code == 200
        return response

    return check


def listed(response) -> dict:
    """How many of the members, measures and diseases the tests add (named 亲属1, 措施2, 病种3...) the page shows."""
    html = response.content.decode()
    return {word: len(set(re.findall(rf"{word}\d+", html))) for word in ("亲属", "措施", "病种")}


def add_members(household, count):
    for index in range(count):
        number = next(_numbers)
        values = member_values(Relation.OTHER, f"亲属{number}", date(1990, 1, 1 + index % 28))
        values["work_status"] = WorkStatus.EMPLOYED
        member_create(household=household, values=values)


def add_measures(plan, caseworker, count):
    for index in range(count):
        measure_add(plan=plan, by=caseworker, measure_type="employment", description=f"措施{next(_numbers)}",
                    responsible=caseworker, due_date=date(2026, 12, 1 + index % 28))  # fmt: skip


def add_unions(parent, count):
    return [
        OrganizationFactory(name=f"街道工会{next(_numbers)}", kind=OrganizationKind.TOWNSHIP, parent=parent)
        for _ in range(count)
    ]


# ---- cases ---------------------------------------------------------------------------------------------------------


def test_the_household_card(client, household, caseworker, constant):
    client.force_login(caseworker)
    url = f"/households/{household.pk}/card/"
    response = constant(url, lambda: add_members(household, 8), budget=10)
    assert household.code in response.content.decode()


def test_the_household_edit_page_with_its_members(client, household, caseworker, constant):
    client.force_login(caseworker)
    url = f"/households/{household.pk}/edit/"
    response = constant(url, lambda: add_members(household, 8), budget=10)
    assert response.content.decode().count('class="card card-body mb-2 member-form"') == 3 + 8 + 1  # + the template


def test_the_plan_page(client, active_file, caseworker, constant):
    plan = plan_save(file=active_file, year=2026, goals="稳定就业", by=caseworker)
    add_measures(plan, caseworker, 2)
    client.force_login(caseworker)
    url = f"/files/{active_file.pk}/plan/"
    response = constant(url, lambda: add_measures(plan, caseworker, 8), budget=10)
    assert "稳定就业" in response.content.decode()


def test_the_visit_form_with_the_open_measures(client, active_file, caseworker, constant):
    plan = plan_save(file=active_file, year=2026, goals="稳定就业", by=caseworker)
    add_measures(plan, caseworker, 2)
    client.force_login(caseworker)
    url = f"/files/{active_file.pk}/visits/new/"
    response = constant(url, lambda: add_measures(plan, caseworker, 8), budget=10)
    assert response.content.decode().count('name="measures_checked"') == 10


def test_my_work_with_what_came_back_and_the_measures_due(client, tree, active_file, caseworker, approver, constant):
    from tests.cases.test_my_work_returned import returned_file

    plan = plan_save(file=active_file, year=2026, goals="稳定就业", by=caseworker)
    add_measures(plan, caseworker, 1)
    returned_file(tree, caseworker, approver)
    client.force_login(caseworker)

    def add_rows():
        add_measures(plan, caseworker, 4)
        for head in ("赵建国", "孙丽", "周强", "吴芳"):
            returned_file(tree, caseworker, approver, head=head)

    response = constant("/work/", add_rows, budget=22)
    assert response.content.decode().count('data-testid="returned-item"') == 5


def test_the_count_of_what_came_back_beside_my_work(client, tree, standard, caseworker, approver, constant):
    from tests.cases.test_my_work_returned import returned_badge, returned_file

    returned_file(tree, caseworker, approver)
    client.force_login(caseworker)
    add_rows = lambda: [returned_file(tree, caseworker, approver, head=head) for head in ("赵建国", "孙丽")]  # noqa: E731
    assert returned_badge(constant("/", add_rows, budget=10).content.decode()) == 3


# ---- programs ------------------------------------------------------------------------------------------------------


@pytest.fixture
def tiers(db):
    make_tiers()


def test_the_program_page_with_budgets_diseases_and_batches(client, tree, tiers, approver, constant):
    program = make_program(tree["county"], ProgramKind.HOLIDAY)

    def add(count):
        for union in add_unions(tree["county"], count):
            make_budget(program, union, "10000")
            Disease.objects.create(program=program, name=f"病种{next(_numbers)}", category="cancer")
            batch = ApplicationBatch(program=program, created_by=approver, approved_by=approver)
            batch.set_organization(union)
            batch.save()

    add(1)
    client.force_login(approver)
    url = f"/programs/{program.pk}/"
    response = constant(url, lambda: add(7), budget=11)
    html = response.content.decode()
    assert html.count('data-testid="remaining"') == 1 + 8
    assert html.count("/batches/") == 8
    assert listed(response)["病种"] == 8


def test_the_holiday_batch_page(client, tree, tiers, standard, caseworker, approver, constant):
    program = make_program(tree["county"], ProgramKind.HOLIDAY)
    for union in ("street_a", "enterprise"):
        make_active_file(make_household(tree[union], caseworker), caseworker, approver)
    batch = holiday_batch_generate(program=program, by=approver)

    def add():
        for union in ("street_a", "street_b", "enterprise") * 2:
            make_active_file(make_household(tree[union], caseworker), caseworker, approver)
        later = holiday_batch_generate(program=program, by=approver)
        AidApplication.objects.filter(batch=later).update(batch=batch)

    client.force_login(approver)
    response = constant(f"/batches/{batch.pk}/", add, budget=13)
    assert response.content.decode().count('data-testid="application-status"') == 8


@pytest.fixture
def illness_program(tree, tiers):
    return make_program(tree["county"], ProgramKind.CRITICAL_ILLNESS)


def _grow_the_form(household, active_file, caseworker, program):
    plan = plan_save(file=active_file, year=2026, goals="稳定就业", by=caseworker)
    add_members(household, 2)
    add_measures(plan, caseworker, 2)

    def add():
        add_members(household, 6)
        add_measures(plan, caseworker, 6)
        for _ in range(6):
            Disease.objects.create(program=program, name=f"病种{next(_numbers)}", category="cancer")

    return add


def test_the_application_form(client, tree, illness_program, household, active_file, caseworker, constant):
    add = _grow_the_form(household, active_file, caseworker, illness_program)
    client.force_login(caseworker)
    url = f"/households/{household.pk}/aid/new/?program={illness_program.pk}"
    response = constant(url, add, budget=15)
    assert listed(response) == {"亲属": 8, "措施": 8, "病种": 6}


def test_the_program_choice_before_the_application_form(client, tree, tiers, household, caseworker, constant):
    make_program(tree["county"], ProgramKind.TEMPORARY)

    def add():
        for kind in (ProgramKind.LIVING, ProgramKind.HOLIDAY, ProgramKind.GOLDEN_AUTUMN) * 2:
            make_program(tree["city"], kind)

    client.force_login(caseworker)
    url = f"/households/{household.pk}/aid/new/"
    response = constant(url, add, budget=10)
    assert response.content.decode().count("?program=") == 7


def test_the_application_edit_form(client, tree, illness_program, household, active_file, caseworker, constant):
    application = apply(illness_program, household, caseworker, disease=illness_program.diseases.first(),
                        out_of_pocket_cost=60000)  # fmt: skip
    add = _grow_the_form(household, active_file, caseworker, illness_program)
    client.force_login(caseworker)
    url = f"/aid/{application.pk}/edit/"
    response = constant(url, add, budget=14)
    assert listed(response) == {"亲属": 8, "措施": 8, "病种": 6}


# ---- reports -------------------------------------------------------------------------------------------------------


def test_the_ledgers_page_with_its_export_jobs(client, tree, leader, constant):
    def add_jobs(count):
        statuses = [JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.FAILED]
        for index, union in enumerate(add_unions(tree["county"], count)):
            job = ExportJob(kind=LedgerKind.HOUSEHOLDS, year=2026, requested_by=leader, total=10, done=index,
                            status=statuses[index % 4], error="失败" if index % 4 == 3 else "")  # fmt: skip
            job.set_organization(union)
            job.save()

    add_jobs(2)
    client.force_login(leader)
    response = constant("/ledgers/", lambda: add_jobs(8), budget=9)
    assert response.content.decode().count('data-testid="export-job"') == 10


def test_the_import_page_of_a_file_with_errors(client, tree, caseworker, constant):
    def errors(count):
        return [{"sheet": "家庭成员", "row": row, "column": "身份证号", "message": "身份证号校验位错误"}
                for row in range(2, 2 + count)]  # fmt: skip

    job = ImportJob(uploaded_by=caseworker, original_name="花名册.xlsx", file="imports/a.xlsx",
                    status=ImportStatus.INVALID, errors=errors(2), rows=2)  # fmt: skip
    job.set_organization(tree["county"])
    job.save()
    client.force_login(caseworker)
    more_errors = lambda: ImportJob.objects.filter(pk=job.pk).update(errors=errors(40))  # noqa: E731
    response = constant(f"/imports/{job.pk}/", more_errors, budget=9)
    assert response.content.decode().count("身份证号校验位错误") == 40


def roster(count):
    households = [{"户序号": index, "家庭住址": f"余姚市阳明街道{index}号", "户口类型": "非农业",
                   "家庭类型": "城镇困难职工"} for index in range(1, count + 1)]  # fmt: skip
    members = [{"户序号": index, "姓名": f"户主{index}", "与户主关系": "户主",
                "身份证号": make_id_number(date(1970, 1, index)), "工作状态": "下岗"}
               for index in range(1, count + 1)]  # fmt: skip
    return SimpleUploadedFile("花名册.xlsx", roster_bytes(households, members))


def test_the_import_page_of_a_file_ready_to_import(client, tree, caseworker, constant):
    # The upload queues the check (run by the worker); here it runs in the test's transaction.
    job = import_check(job=import_upload(organization=tree["county"], by=caseworker, upload=roster(1)))
    assert job.status == ImportStatus.VALID

    def add():
        bigger = import_check(job=import_upload(organization=tree["county"], by=caseworker, upload=roster(12)))
        assert bigger.status == ImportStatus.VALID
        ImportJob.objects.filter(pk=job.pk).update(file=bigger.file.name, rows=12, households=12)

    client.force_login(caseworker)
    response = constant(f"/imports/{job.pk}/", add, budget=9)
    assert response.content.decode().count("余姚市阳明街道") == 10  # the preview's first ten households
