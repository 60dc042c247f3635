"""A household whose every sensitive value is filled: full ID numbers, a phone, a bank account, a serious illness, and
the diagnosis written into each free-text field that may carry health data, with a PDF and a photo attached."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Organization, User
from assessment.choices import Recommendation, RunStatus
from assessment.models import AssessmentRun, HouseholdAssessment
from cases.choices import Health, MeasureStatus
from cases.models import HardshipFile, Household, PlanMeasure, Visit
from cases.services.files import file_transition
from cases.services.plans import measure_add, measure_update, plan_save
from cases.services.visits import visit_record
from programs.choices import ProgramKind
from programs.models import AidApplication, ApplicationBatch, Program
from programs.services.applications import application_submit
from tests.cases.factories import make_active_file, make_household, member_values
from tests.programs.helpers import apply

DIAGNOSIS = "乳腺癌术后"
PHONE = "13905747788"
BANK_ACCOUNT = "6222021234567890123"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
# A PDF that runs JavaScript when a viewer opens it.
PDF_WITH_SCRIPT = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(document.cookie))"
    b" >> >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


@dataclass
class SensitiveCase:
    household: Household
    file: HardshipFile
    measure: PlanMeasure
    visit: Visit
    draft: AidApplication  # editable
    submitted: AidApplication  # waiting for the approver
    holiday_program: Program
    batch: ApplicationBatch
    run: AssessmentRun
    assessment: HouseholdAssessment

    @property
    def secrets(self) -> list[str]:
        """What a role without the need must never read on a page: full numbers, the account, the diagnosis."""
        ids = [member.id_number for member in self.household.members.all()]
        return [*ids, PHONE, BANK_ACCOUNT, DIAGNOSIS]


def make_sensitive_case(
    *, street: Organization, county: Organization, caseworker: User, approver: User, illness: Program, other: Program
) -> SensitiveCase:
    """`illness` is a critical-illness program and `other` another program of the county (the draft's)."""
    household = make_household(
        street, caseworker, bank_name="农业银行", bank_account=BANK_ACCOUNT, notes=f"户主{DIAGNOSIS}，需长期复查",
        members=[member_values(phone=PHONE, health=Health.SERIOUS), member_values("spouse", "李娜", date(1982, 3, 2))],
    )  # fmt: skip
    file = make_active_file(household, caseworker, approver)
    HardshipFile.objects.filter(pk=file.pk).update(category_reason=f"户主{DIAGNOSIS}，无法工作")
    file = file_transition(file=file, action="propose_exit", by=caseworker, comment=f"{DIAGNOSIS}，病情稳定")
    file = file_transition(file=file, action="withdraw_exit", by=caseworker, comment=f"{DIAGNOSIS}，复查发现转移")
    plan = plan_save(file=file, year=timezone.localdate().year, goals=f"协助{DIAGNOSIS}康复治疗", by=caseworker)
    measure = measure_add(plan=plan, by=caseworker, measure_type="medical", description="协助申请大病救助",
                          responsible=caseworker, due_date=date(2026, 12, 31))  # fmt: skip
    measure = measure_update(measure=measure, by=caseworker, status=MeasureStatus.IN_PROGRESS,
                             outcome=f"{DIAGNOSIS}复查已预约")  # fmt: skip
    visit = visit_record(
        file=file, by=caseworker, visited_on=date(2026, 4, 1), kind="routine", findings=f"户主{DIAGNOSIS}，化疗中",
        attachments=[SimpleUploadedFile(f"{DIAGNOSIS}诊断证明.pdf", PDF_WITH_SCRIPT, "application/pdf"),
                     SimpleUploadedFile("evil.html", PNG, "text/html")],
    )  # fmt: skip
    submitted = apply(
        illness, household, caseworker, reason=f"{DIAGNOSIS}，化疗自付费用高", disease=illness.diseases.first(),
        diagnosis=DIAGNOSIS, out_of_pocket_cost=Decimal("52000"),
        attachments=[SimpleUploadedFile(f"{DIAGNOSIS}住院发票.pdf", PDF_WITH_SCRIPT, "application/pdf")],
    )  # fmt: skip
    submitted = application_submit(application=submitted, by=caseworker, comment=f"{DIAGNOSIS}，材料齐全")
    draft = apply(other, household, caseworker, reason=f"{DIAGNOSIS}后失业，生活困难", requested_amount=Decimal("3000"))
    holiday_program = Program.objects.filter(kind=ProgramKind.HOLIDAY, org_path__startswith=county.path).first()
    batch = ApplicationBatch(program=holiday_program, created_by=approver)
    batch.set_organization(county)
    batch.save()
    run = AssessmentRun(year=2026, status=RunStatus.SUCCEEDED, started_by=approver)
    run.set_organization(county)
    run.save()
    assessment = HouseholdAssessment.objects.create(
        run=run, file=file, year=2026, organization=file.organization, org_path=file.org_path,
        recommendation=Recommendation.EXIT, reasons=["连续6个月人均收入高于低保线：建议脱困。"],
    )  # fmt: skip
    return SensitiveCase(household, file, measure, visit, draft, submitted, holiday_program, batch, run, assessment)
