from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def money(value) -> str:
    """Yuan as shown everywhere in Bangfu: ¥1,234.56 (always two places, thousands separated)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


@register.simple_tag
def days_since(moment, now) -> int:
    """Whole days from `moment` to `now`: how long something has waited."""
    if moment is None or now is None:
        return 0
    return max((now - moment).days, 0)
