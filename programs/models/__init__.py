from programs.models.applications import (
    AidApplication,
    ApplicationAttachment,
    ApplicationBatch,
    ApplicationEvent,
    Disbursement,
    PaymentReversal,
)
from programs.models.programs import ApprovalTier, Budget, Disease, FundingSource, Program

__all__ = [
    "AidApplication",
    "ApplicationAttachment",
    "ApplicationBatch",
    "ApplicationEvent",
    "ApprovalTier",
    "Budget",
    "Disbursement",
    "Disease",
    "PaymentReversal",
    "FundingSource",
    "Program",
]
