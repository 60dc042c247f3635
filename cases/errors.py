from accounts.errors import DomainError


class DuplicateIdNumber(DomainError):
    pass


class TransitionNotAllowed(DomainError):
    pass


class SeparationOfDuties(DomainError):
    pass


class NoLocalStandard(DomainError):
    pass


class InvalidAttachment(DomainError):
    pass
