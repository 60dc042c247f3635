from datetime import date
from decimal import Decimal

from accounts.models import OrganizationKind
from programs.choices import FundingKind, ProgramKind
from programs.models import ApprovalTier, Budget, Disease, FundingSource, Program

PARAMETERS = {
    ProgramKind.LIVING: {"months_deep": "10", "months_relative": "8", "months_accident": "8", "cap_months": "12"},
    ProgramKind.CRITICAL_ILLNESS: {
        "threshold": "30000", "bands": [["30000", "4000"], ["50000", "6000"], ["80000", "8000"], ["100000", "10000"]],
    },
    ProgramKind.GOLDEN_AUTUMN: {"higher_filed": "5000", "senior_filed": "3000", "higher_unfiled": "4000", "senior_unfiled": "2000"},
    ProgramKind.TEMPORARY: {"yearly_cap": "10000", "cost_share_percent": "15"},
    ProgramKind.HOLIDAY: {"amount": "1500"},
    ProgramKind.MEDICAL_MUTUAL: {"percent": "50", "claim_cap": "5000"},
    ProgramKind.EMPLOYMENT: {},
    ProgramKind.LEGAL: {},
}  # fmt: skip
_codes = iter(range(10**6))


def make_source():
    return FundingSource.objects.get_or_create(kind=FundingKind.UNION_FUND, name="县总工会帮扶资金")[0]


def make_program(organization, kind=ProgramKind.CRITICAL_ILLNESS, year=2026, budget="1000000", **extra):
    values = {
        "code": f"P{next(_codes):05d}", "name": f"{ProgramKind(kind).label}项目", "kind": kind, "year": year,
        "funding_source": make_source(), "parameters": PARAMETERS[kind],
        "pays_money": kind not in (ProgramKind.EMPLOYMENT, ProgramKind.LEGAL),
    }  # fmt: skip
    values.update(extra)
    program = Program(**values)
    program.set_organization(organization)
    program.save()
    if kind == ProgramKind.CRITICAL_ILLNESS:
        Disease.objects.create(program=program, name="恶性肿瘤", category="cancer")
        Disease.objects.create(program=program, name="尿毒症", category="kidney")
    if budget is not None and program.pays_money:
        make_budget(program, organization, budget)
    return program


def make_budget(program, organization, amount):
    budget = Budget(program=program, year=program.year, amount=Decimal(amount))
    budget.set_organization(organization)
    budget.save()
    return budget


def make_tiers():
    """DOMAIN.md example: up to 20,000 the county; above, the city; above 50,000 the province."""
    ApprovalTier.objects.create(amount_from=0, amount_to=20000, union_kind=OrganizationKind.COUNTY)
    ApprovalTier.objects.create(amount_from=20000, amount_to=50000, union_kind=OrganizationKind.CITY)
    ApprovalTier.objects.create(amount_from=50000, amount_to=None, union_kind=OrganizationKind.PROVINCIAL)


TODAY = date(2026, 6, 1)
