"""Sensitive personal information (PIPL) and who sees it: one rule for pages, attachments and exports.

ID numbers, phones and bank accounts are masked for a role that does not see them, and health data is hidden. Free
text that caseworkers and approvers write (a visit's findings, an application's reason) names illnesses as often as the
health fields do, so it counts as health data too. Each model lists such fields in its `health_fields`; pages show them
with `{% health obj "field" %}` (cases.templatetags.casework), and attachments, which are medical documents and photos
of homes, are served only to the same roles.
"""

from accounts.roles import Role

HIDDEN = "—"


def may_see_sensitive(user) -> bool:
    """Full ID numbers, phones, bank accounts and health data are for the people who verify and pay, not dashboards."""
    return user.is_superuser or bool(user.roles & {Role.CASEWORKER.value, Role.APPROVER.value})


def health_fields(model) -> tuple[str, ...]:
    """The fields of `model` that carry or may carry health data, as the model declares them."""
    return tuple(getattr(model, "health_fields", ()))


def health_value(obj, field: str, user):
    """`obj.field` as `user` may see it: its value (a choice's label), "" when empty, HIDDEN for a role without need.

    Refuses a field the model does not declare: what is hidden is decided on the model, not where it is shown.
    """
    if field not in health_fields(type(obj)):
        raise ValueError(f"{type(obj).__name__}.{field} is not one of its health_fields")
    value = getattr(obj, field)
    if value in (None, "", [], ()):
        return ""
    if not may_see_sensitive(user):
        return HIDDEN
    display = getattr(obj, f"get_{field}_display", None)
    return display() if display else value
