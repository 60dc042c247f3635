from django import template

from cases.identity import mask_account, mask_id_number, mask_phone
from cases.sensitive import HIDDEN, health_value

register = template.Library()


@register.filter
def id_number(value, show_full=False):
    """`{{ member.id_number|id_number:show_sensitive }}`: masked unless the role needs the full number."""
    return value if show_full else mask_id_number(value)


@register.filter
def phone(value, show_full=False):
    return value if show_full else mask_phone(value)


@register.filter
def account(value, show_full=False):
    return value if show_full else mask_account(value)


@register.simple_tag(takes_context=True)
def health(context, obj, field):
    """`{% health visit "findings" %}` (or `... as findings`): a field that may carry health data, for this request's
    user; a dash for a role that does not see health data, and a dash without a request, so a page fails closed."""
    request = context.get("request")
    if request is None:
        return HIDDEN
    return health_value(obj, field, request.user)
