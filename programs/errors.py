from accounts.errors import DomainError


class TransitionNotAllowed(DomainError):
    pass


class SeparationOfDuties(DomainError):
    pass


class NotEligible(DomainError):
    """The rule says no; `reasons` are the failed checks, shown as they are."""

    def __init__(self, message: str, reasons: list[str]):
        super().__init__(message)
        self.reasons = reasons


class BudgetExceeded(DomainError):
    pass


class WrongTier(DomainError):
    pass
