from cases.models.files import FileEvent, HardshipFile
from cases.models.households import Household, Member
from cases.models.income import IncomeAssessment
from cases.models.plans import AssistancePlan, PlanMeasure
from cases.models.standards import LocalStandard
from cases.models.visits import Visit, VisitAttachment

__all__ = [
    "AssistancePlan",
    "FileEvent",
    "HardshipFile",
    "Household",
    "IncomeAssessment",
    "LocalStandard",
    "Member",
    "PlanMeasure",
    "Visit",
    "VisitAttachment",
]
