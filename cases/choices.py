"""The enumerations of the national file form (困难职工档案表) and of DOMAIN.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HukouType(models.TextChoices):
    NON_AGRICULTURAL = "non_agricultural", _("Non-agricultural")
    AGRICULTURAL = "agricultural", _("Agricultural")
    CONVERTED = "converted", _("Agricultural converted to resident")


class HouseholdType(models.TextChoices):
    URBAN_WORKER = "urban_worker", _("Urban worker in hardship")
    MIGRANT_WORKER = "migrant_worker", _("Migrant worker in hardship")


class HousingType(models.TextChoices):
    SELF_BUILT = "self_built", _("Self-built house")
    COMMERCIAL = "commercial", _("Commercial housing")
    AFFORDABLE = "affordable", _("Affordable housing")
    EMPLOYER_RENTAL = "employer_rental", _("Rented from the employer")
    PUBLIC_RENTAL = "public_rental", _("Government low-rent housing")
    RENTED = "rented", _("Rented")
    NONE = "none", _("No housing")
    OTHER = "other", _("Other")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class PoliticalStatus(models.TextChoices):
    CPC = "cpc", _("CPC member")
    CYL = "cyl", _("Communist Youth League member")
    MASSES = "masses", _("Ordinary citizen")
    DEMOCRATIC = "democratic", _("Democratic party member")
    OTHER = "other", _("Other")


class MaritalStatus(models.TextChoices):
    MARRIED = "married", _("Married")
    SINGLE = "single", _("Unmarried")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class WorkStatus(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    LAID_OFF = "laid_off", _("Laid off")
    UNEMPLOYED = "unemployed", _("Unemployed")
    RETIRED = "retired", _("Retired")
    SICK_LEAVE = "sick_leave", _("On sick leave")
    EARLY_RETIRED = "early_retired", _("Internal early retirement")
    FLEXIBLE = "flexible", _("Flexible employment")
    NOT_WORKING_AGE = "not_working_age", _("Student or not of working age")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("Healthy")
    CHRONIC = "chronic", _("Chronic illness")
    SERIOUS = "serious", _("Serious illness")
    DISABLED = "disabled", _("Disability")


class DisabilityType(models.TextChoices):
    VISION = "vision", _("Visual")
    HEARING = "hearing", _("Hearing")
    SPEECH = "speech", _("Speech")
    INTELLECTUAL = "intellectual", _("Intellectual")
    PHYSICAL = "physical", _("Physical")
    MENTAL = "mental", _("Mental")
    MULTIPLE = "multiple", _("Multiple")


class DisabilityGrade(models.IntegerChoices):
    FIRST = 1, _("Grade 1")
    SECOND = 2, _("Grade 2")
    THIRD = 3, _("Grade 3")
    FOURTH = 4, _("Grade 4")


class EducationStage(models.TextChoices):
    PRESCHOOL = "preschool", _("Preschool")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior high school")
    SENIOR = "senior", _("Senior high school")
    VOCATIONAL = "vocational", _("Secondary vocational school")
    COLLEGE = "college", _("Junior college")
    UNDERGRADUATE = "undergraduate", _("Undergraduate")
    GRADUATE = "graduate", _("Graduate")


class Category(models.TextChoices):
    DEEP = "deep", _("Deep hardship")
    RELATIVE = "relative", _("Relative hardship")
    ACCIDENT = "accident", _("Hardship from an accident or illness")


class ImpliedCategory(models.TextChoices):
    """What an income assessment says on its own; "accident" is a caseworker's judgement, never computed."""

    DEEP = "deep", _("Deep hardship")
    RELATIVE = "relative", _("Relative hardship")
    ABOVE = "above", _("Above the hardship line")


class FilingLevel(models.TextChoices):
    NATIONAL = "national", _("National level")
    PROVINCIAL = "provincial", _("Provincial level")
    PREFECTURE = "prefecture", _("Prefecture level")
    COUNTY = "county", _("County level")
    GRASSROOTS = "grassroots", _("Grassroots level")


class Cause(models.IntegerChoices):
    NO_WORK_ABILITY = 1, _("Unable to work")
    ABLE_BUT_NOT_EMPLOYED = 2, _("Able to work but not employed")
    LAID_OFF = 3, _("Laid off or unemployed")
    NO_SOCIAL_INSURANCE = 4, _("Not covered by social insurance")
    INSURANCE_NOT_PAID = 5, _("Social insurance benefits not received")
    SERIOUS_ILLNESS = 6, _("Serious or critical illness")
    NATURAL_DISASTER = 7, _("Natural disaster")
    ACCIDENT = 8, _("Accident")
    SCHOOLING = 9, _("Children's schooling")
    DISABILITY = 10, _("Disability")
    OTHER = 11, _("Other")


class Origin(models.TextChoices):
    NEW = "new", _("New")
    EXISTING = "existing", _("Existing")
    RETURNED = "returned", _("Returned to hardship")


class FileStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    FIRST_REVIEWED = "first_reviewed", _("First review passed")
    HOME_CHECKED = "home_checked", _("Home check done")
    NOTICE = "notice", _("Public notice")
    ACTIVE = "active", _("Active")
    EXIT_PROPOSED = "exit_proposed", _("Exit proposed")
    EXIT_NOTICE = "exit_notice", _("Exit public notice")
    EXITED = "exited", _("Exited hardship")
    RELIEVED = "relieved", _("Relieved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


# A household has at most one file in these statuses (the partial unique constraint).
OPEN_STATUSES = [
    FileStatus.APPLIED,
    FileStatus.FIRST_REVIEWED,
    FileStatus.HOME_CHECKED,
    FileStatus.NOTICE,
    FileStatus.ACTIVE,
    FileStatus.EXIT_PROPOSED,
    FileStatus.EXIT_NOTICE,
]
# Filed households receive visits and plans in these.
FILED_STATUSES = [FileStatus.ACTIVE, FileStatus.EXIT_PROPOSED, FileStatus.EXIT_NOTICE]


class ExitKind(models.TextChoices):
    EXITED = "exited", _("Exit hardship")
    RELIEVED = "relieved", _("Relieve hardship")


class CancelReason(models.TextChoices):
    DEATH = "death", _("Death")
    RETIREMENT = "retirement", _("Retirement")
    MOVED = "moved", _("Moved away")
    INELIGIBLE = "ineligible", _("No longer eligible")
    FALSE_INFORMATION = "false_information", _("False information")


class MonitoringFlag(models.TextChoices):
    NONE = "", _("None")
    UNSTABLE = "unstable", _("Unstable exit")
    BORDERLINE = "borderline", _("Borderline, at risk")


class MeasureType(models.TextChoices):
    MEDICAL = "medical", _("Medical aid")
    SCHOOL = "school", _("School aid")
    LIVING = "living", _("Living aid")
    EMPLOYMENT = "employment", _("Employment and training")
    SOCIAL = "social", _("Social resources and donor pairing")
    SAFETY_NET = "safety_net", _("Referral to civil affairs safety net")
    LEGAL = "legal", _("Legal aid")
    OTHER = "other", _("Other")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class VisitKind(models.TextChoices):
    ROUTINE = "routine", _("Routine visit")
    FILING_CHECK = "filing_check", _("Filing check")
    EXIT_CHECK = "exit_check", _("Exit check")
    EMERGENCY = "emergency", _("Emergency")
    FOLLOW_UP = "follow_up", _("Post-exit follow-up")


# What happens next to a file in each open status (the list pages' "next step"); an active file's is its next visit.
NEXT_STEPS = {
    FileStatus.APPLIED: _("Pass first review"),
    FileStatus.FIRST_REVIEWED: _("Record home check"),
    FileStatus.HOME_CHECKED: _("Start public notice"),
    FileStatus.NOTICE: _("Approve filing"),
    FileStatus.EXIT_PROPOSED: _("Start exit public notice"),
    FileStatus.EXIT_NOTICE: _("Approve exit"),
}
