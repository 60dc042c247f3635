"""What came back to a caseworker: files and applications returned for correction or rejected by someone else.

"New" means since the caseworker last opened My work (`User.my_work_seen_at`): opening the page marks all as seen, and
the page keeps listing what came back in the last 30 days, so that a reason read once can be read again.
"""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from cases.extensions import returned_sources
from cases.models import FileEvent
from cases.models.households import heads_prefetch

RETURN_ACTIONS = ("return", "reject")
WINDOW = timedelta(days=30)
LIMIT = 100


def returned_files(user: User):
    """Steps by which a file the user is the contact person of, or applied for, was returned or rejected by another."""
    return (
        FileEvent.objects.visible_to(user)
        .filter(action__in=RETURN_ACTIONS)
        .filter(Q(file__contact_person=user) | Q(file__applied_by=user))
        .exclude(by=user)
        .select_related("by", "file__household")
    )


def returned_count(user: User) -> int:
    """The count beside "My work": what came back since the caseworker last opened it, in one query."""
    sources = returned_sources()
    if not user.has_role(Role.CASEWORKER) or not sources:
        return 0
    since = user.my_work_seen_at or timezone.now() - WINDOW
    parts = [source.events(user).filter(at__gt=since).order_by().values_list("at") for source in sources]
    return parts[0].union(*parts[1:], all=True).count()


def returned_items(user: User, now: datetime) -> list[dict]:
    """My work's list: what came back in the last 30 days, newest first, marked new when after the last look."""
    seen = user.my_work_seen_at
    items = []
    for source in returned_sources():
        events = (
            source.events(user)
            .filter(at__gte=now - WINDOW)
            .prefetch_related(heads_prefetch(f"{source.household}__members"))
            .order_by("-at", "-id")[:LIMIT]
        )
        items += [
            {"at": event.at, "event": event, "template": source.template, "new": seen is None or event.at > seen}
            for event in events
        ]
    return sorted(items, key=lambda item: item["at"], reverse=True)[:LIMIT]


def my_work_mark_seen(*, user: User, at: datetime) -> None:
    """Whatever came back up to `at` is no longer new for `user`."""
    User.objects.filter(pk=user.pk).update(my_work_seen_at=at)
    user.my_work_seen_at = at
