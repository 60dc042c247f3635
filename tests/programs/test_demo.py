from django.core.management import call_command
from django.db.models import F

from accounts.models import Organization
from programs.choices import ApplicationStatus, DisbursementMethod, ProgramKind
from programs.models import AidApplication, ApplicationBatch, ApprovalTier, Budget, Disbursement, Disease, Program


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Program, Budget, Disease, ApprovalTier, AidApplication, Disbursement, ApplicationBatch)
    }


def test_it_seeds_programs_budgets_and_applications_in_every_status_once(db):
    call_command("seed_demo", force=True)
    first = _counts()
    call_command("seed_demo", force=True)
    assert _counts() == first

    assert set(Program.objects.values_list("kind", flat=True)) == set(ProgramKind.values)
    # A reversal needs a second approver of the county, who would not be one of the six demo users.
    every_status = set(ApplicationStatus.values) - {ApplicationStatus.REVERSED}
    assert set(AidApplication.objects.values_list("status", flat=True)) == every_status
    assert len(set(AidApplication.objects.values_list("program__kind", flat=True))) >= 6
    assert Disbursement.objects.filter(method=DisbursementMethod.BANK_TRANSFER).exclude(reference="").exists()
    assert Disbursement.objects.filter(method=DisbursementMethod.CASH).exists()
    assert ApplicationBatch.objects.filter(approved_by__username="demo_approver").exists()


# One seeding for several checks: seeding the households is the slow part.
def test_the_demo_applications_look_like_real_work(db):
    call_command("seed_demo", force=True)
    granted = AidApplication.objects.filter(batch=None, status__in=["approved", "disbursed"])
    assert granted.exists()
    assert not granted.filter(decided_by=F("submitted_by")).exists()
    for code in ("330281", "330282"):
        union = Organization.objects.get(code=code)
        assert AidApplication.objects.filter(org_path__startswith=union.path).exists()
    relief = AidApplication.objects.filter(program__kind=ProgramKind.TEMPORARY, file=None)
    assert relief.filter(status=ApplicationStatus.DISBURSED).exists()
    illness = AidApplication.objects.filter(program__kind=ProgramKind.CRITICAL_ILLNESS)
    assert not illness.exclude(status="draft").filter(disease=None).exists()
    students = AidApplication.objects.filter(program__kind=ProgramKind.GOLDEN_AUTUMN)
    assert not students.filter(beneficiary__education_stage="").exists()
    budgets = list(Budget.objects.with_usage())
    assert any(budget.used_share >= 80 for budget in budgets)
    assert all(budget.remaining >= 0 for budget in budgets)


def test_without_households_the_programs_budgets_and_tiers_exist(db):
    call_command("seed_demo", force=True, no_households=True)
    call_command("seed_demo", force=True, no_households=True)
    assert Program.objects.count() == len(ProgramKind.values)
    assert Budget.objects.filter(program__kind=ProgramKind.CRITICAL_ILLNESS).count() == 3
    assert Disease.objects.count() >= 8
    assert ApprovalTier.objects.filter(program_kind="").count() == 3
    assert not AidApplication.objects.exists()
    golden = Program.objects.get(kind=ProgramKind.GOLDEN_AUTUMN)
    assert golden.open_to_unfiled and golden.organization.code == "330000"
    assert Program.objects.get(kind=ProgramKind.HOLIDAY).organization.code == "330281"
