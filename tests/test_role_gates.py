"""Every URL of the casework apps, walked as a leader and an administrator of the household's own county.

A form view (one that writes, or renders a form filled with a household's values) answers 404 to them on GET and POST;
the pages they may read never carry a full ID number, phone or bank account, nor the diagnosis, however it was written.
A URL added to the apps without being sorted into one of the lists below fails the walk.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import Role
from programs.choices import ProgramKind
from reports.importing import template_workbook
from reports.models import ImportJob, ImportStatus
from tests.factories import UserFactory
from tests.programs.factories import make_program, make_tiers
from tests.sensitive_case import DIAGNOSIS, make_sensitive_case

APPS = {"cases", "programs", "assessment", "reports"}

# Pages for reading: open to every role in scope; what they show of sensitive values follows the role.
READ_PAGES = {
    "cases:household_list", "cases:quick_search", "cases:household_detail", "cases:household_card", "cases:my_work",
    "cases:inbox",
    "programs:program_list", "programs:program_detail", "programs:batch_detail", "programs:application_list",
    "programs:inbox", "programs:application_detail", "assessment:assessment", "assessment:progress",
    "reports:dashboard", "reports:ledgers", "reports:export_progress", "reports:export_download",
}  # fmt: skip
# Medical documents and photos of homes: only the roles that see health data download them.
HEALTH_DOCUMENTS = {"cases:attachment_download", "programs:attachment_download"}
# Actions that roles without casework may take: leaders run the assessment, everyone exports masked ledgers.
OPEN_TO = {
    "assessment:start": {Role.LEADER},
    "assessment:resume": {Role.LEADER},
    "reports:ledger_export": {Role.LEADER, Role.ADMIN},
    "reports:export_retry": {Role.LEADER, Role.ADMIN},
}
# Everything else writes or shows a form: (the role that may use it, its URL arguments).
FORM_VIEWS = {
    "cases:household_create": (Role.CASEWORKER, lambda case: []),
    "cases:household_edit": (Role.CASEWORKER, lambda case: [case.household.pk]),
    "cases:file_apply": (Role.CASEWORKER, lambda case: [case.household.pk]),
    "cases:file_action": (Role.CASEWORKER, lambda case: [case.file.pk, "propose_exit"]),
    "cases:plan_edit": (Role.CASEWORKER, lambda case: [case.file.pk]),
    "cases:measure_add": (Role.CASEWORKER, lambda case: [case.measure.plan_id]),
    "cases:measure_status": (Role.CASEWORKER, lambda case: [case.measure.pk]),
    "cases:visit_create": (Role.CASEWORKER, lambda case: [case.file.pk]),
    "programs:batch_new": (Role.APPROVER, lambda case: [case.holiday_program.pk]),
    "programs:batch_approve": (Role.APPROVER, lambda case: [case.batch.pk]),
    "programs:application_create": (Role.CASEWORKER, lambda case: [case.household.pk]),
    "programs:application_check": (Role.CASEWORKER, lambda case: [case.household.pk]),
    "programs:application_edit": (Role.CASEWORKER, lambda case: [case.draft.pk]),
    "programs:application_action": (Role.APPROVER, lambda case: [case.submitted.pk, "approve"]),
    "programs:disbursement_create": (Role.APPROVER, lambda case: [case.submitted.pk]),
    "assessment:propose": (Role.CASEWORKER, lambda case: [case.assessment.pk]),
    "reports:imports": (Role.CASEWORKER, lambda case: []),
    "reports:import_template": (Role.CASEWORKER, lambda case: []),
    "reports:import_upload": (Role.CASEWORKER, lambda case: []),
    "reports:import_detail": (Role.CASEWORKER, lambda case: [case.import_job.pk]),
    "reports:import_progress": (Role.CASEWORKER, lambda case: [case.import_job.pk]),
    "reports:import_errors": (Role.CASEWORKER, lambda case: [case.import_job.pk]),
    "reports:import_commit": (Role.CASEWORKER, lambda case: [case.import_job.pk]),
    "reports:import_retry": (Role.CASEWORKER, lambda case: [case.import_job.pk]),
}
ARGUMENTS = {
    "cases:household_detail": lambda case: [case.household.pk],
    "cases:household_card": lambda case: [case.household.pk],
    "cases:attachment_download": lambda case: [case.visit.attachments.first().pk],
    "programs:program_detail": lambda case: [case.submitted.program_id],
    "programs:batch_detail": lambda case: [case.batch.pk],
    "programs:application_detail": lambda case: [case.submitted.pk],
    "programs:attachment_download": lambda case: [case.submitted.attachments.first().pk],
    "assessment:progress": lambda case: [case.run.pk],
    "assessment:resume": lambda case: [case.run.pk],
    "reports:export_progress": lambda case: [1],
    "reports:export_download": lambda case: [1],
    "reports:export_retry": lambda case: [1],
}


def named_urls() -> set[str]:
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace in APPS:
                names.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns, None)
    return names


@pytest.fixture
def case(tree, standard, caseworker, approver, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    make_tiers()
    county = tree["county"]
    make_program(county, ProgramKind.HOLIDAY)
    case = make_sensitive_case(
        street=tree["street_a"], county=county, caseworker=caseworker, approver=approver,
        illness=make_program(county, ProgramKind.CRITICAL_ILLNESS), other=make_program(county, ProgramKind.TEMPORARY),
    )  # fmt: skip
    error = {"sheet": "家庭成员", "row": 2, "column": "手机号码", "message": "x", "cell": "L2"}
    case.import_job = ImportJob.objects.create(
        uploaded_by=caseworker, organization=county, org_path=county.path, original_name="花名册.xlsx",
        file=ContentFile(template_workbook(), "roster.xlsx"), status=ImportStatus.INVALID, errors=[error],
    )  # fmt: skip
    return case


@pytest.fixture(params=["leader", "union_admin"])
def reader(request, tree):
    """A leader or an administrator of the household's own county: in scope, without casework."""
    return request.getfixturevalue(request.param)


def url_of(name, case, arguments=None):
    arguments = arguments or ARGUMENTS.get(name, lambda case: [])
    return reverse(name, args=arguments(case))


def test_every_url_is_sorted_into_one_list():
    sorted_names = [*READ_PAGES, *HEALTH_DOCUMENTS, *OPEN_TO, *FORM_VIEWS]
    assert len(sorted_names) == len(set(sorted_names))
    assert named_urls() == set(sorted_names)


def test_every_form_view_is_a_404_on_get_and_post_for_a_reader(client, case, reader):
    client.force_login(reader)
    for name, (_role, arguments) in FORM_VIEWS.items():
        url = url_of(name, case, arguments)
        answers = {client.get(url).status_code, client.post(url, {"comment": "x", "status": "done"}).status_code}
        # 405 for the method a view does not take at all (GET on a POST-only view); the method it takes is a 404.
        assert answers <= {404, 405} and 404 in answers, (url, answers)


def test_the_walk_reaches_each_form_for_the_role_that_uses_it(client, case, caseworker, approver):
    """The URLs above are right: the role that may write gets each form (a POST-only view answers GET with 405)."""
    users = {Role.CASEWORKER: caseworker, Role.APPROVER: approver}
    for name, (role, arguments) in FORM_VIEWS.items():
        client.force_login(users[role])
        assert client.get(url_of(name, case, arguments)).status_code in (200, 405), name


def test_an_administrator_may_not_start_an_assessment(client, case, union_admin):
    client.force_login(union_admin)
    for name in ("assessment:start", "assessment:resume"):
        assert client.post(url_of(name, case), {"year": 2026, "org": case.run.organization_id}).status_code == 404


def test_no_page_a_reader_opens_shows_a_full_number_or_the_diagnosis(client, case, reader):
    client.force_login(reader)
    opened = set()
    for name in READ_PAGES:
        response = client.get(url_of(name, case))
        html = response.content.decode()
        for secret in case.secrets:
            assert secret not in html, (name, secret)
        if response.status_code == 200:
            opened.add(name)
    # The pages about this household and its applications do open: what they show is what was checked.
    assert {"cases:household_detail", "programs:application_detail", "programs:batch_detail"} <= opened
    draft = client.get(reverse("programs:application_detail", args=[case.draft.pk])).content.decode()
    assert DIAGNOSIS not in draft


def test_health_documents_are_a_404_for_a_reader(client, case, reader):
    client.force_login(reader)
    for name in HEALTH_DOCUMENTS:
        assert client.get(url_of(name, case)).status_code == 404, name


def test_the_caseworker_and_the_approver_read_everything_the_reader_may_not(client, case, caseworker, approver):
    """The checks above would notice: the same pages carry the values for the roles that need them."""
    for user in (caseworker, approver):
        client.force_login(user)
        household = client.get(url_of("cases:household_detail", case)).content.decode()
        application = client.get(url_of("programs:application_detail", case)).content.decode()
        assert all(secret in household for secret in case.secrets[:-1])
        assert household.count(DIAGNOSIS) >= 6  # category reason, two comments, goals, outcome, findings, file name
        assert application.count(DIAGNOSIS) >= 4  # reason, diagnosis, comment, attachment name
        for name in HEALTH_DOCUMENTS:
            assert client.get(url_of(name, case)).status_code == 200, name


def test_a_role_that_may_read_but_not_write_gets_404_from_the_decorator(rf, tree):
    from django.http import Http404, HttpResponse

    from accounts.permissions import role_required

    view = role_required(Role.CASEWORKER)(lambda request: HttpResponse("ok"))
    request = rf.get("/")
    request.user = UserFactory(organization=tree["county"], role=Role.LEADER)
    with pytest.raises(Http404):
        view(request)
    request.user = UserFactory(organization=tree["county"], role=Role.CASEWORKER)
    assert view(request).status_code == 200


def test_the_ledgers_a_reader_exports_carry_no_full_number_nor_the_diagnosis(case, reader):
    from io import BytesIO

    from openpyxl import load_workbook

    from reports.exports import ledger_export
    from reports.models import LedgerKind

    for kind in LedgerKind:
        target = BytesIO()
        ledger_export(kind=kind, organization=case.household.organization.parent, year=2026, user=reader,
                      target=target, via="web")  # fmt: skip
        cells = " ".join(
            str(value) for sheet in load_workbook(target).worksheets for row in sheet.iter_rows(values_only=True)
            for value in row if value is not None
        )  # fmt: skip
        assert case.household.code in cells or kind != LedgerKind.HOUSEHOLDS
        for secret in case.secrets:
            assert secret not in cells, (kind, secret)
