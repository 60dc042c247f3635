from django import template

from cases.identity import mask_account, mask_id_number, mask_phone

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
