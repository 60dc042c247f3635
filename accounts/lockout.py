"""Failed logins (django-axes): a username is locked at one address, an address is throttled across usernames.

A stranger's guesses lock the account only at the stranger's address, so the person at their own desk still logs in;
password spraying (a few guesses for each of many usernames from one address) meets a separate, higher limit on the
address. Both end after the cool-off, or earlier when an administrator unlocks the account.
"""

import logging
import math
from datetime import datetime

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.db.models import QuerySet, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

log = logging.getLogger(__name__)


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the outermost one saw."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    # Each trusted proxy appends the address it received from; anything further left the client may have forged.
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def _failures(attempts: QuerySet) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def _ends_at(attempts: QuerySet, limit: int, cool_off) -> datetime:
    """When enough of these failures have aged past the cool-off for their number to fall below the limit."""
    remaining = _failures(attempts)
    ends = timezone.now()
    for attempt_time, failures in attempts.order_by("attempt_time").values_list("attempt_time", "failures_since_start"):
        if remaining < limit:
            break
        remaining -= failures
        ends = attempt_time + cool_off
    return ends


class AccountAndAddressHandler(AxesDatabaseHandler):
    """axes' database handler (AXES_LOCKOUT_PARAMETERS: username and address together, AXES_FAILURE_LIMIT) plus a
    limit of LOGIN_ADDRESS_FAILURE_LIMIT failures from one address across all usernames.

    The address limit is counted here rather than as a second AXES_LOCKOUT_PARAMETERS entry: axes compares every
    entry with one limit, and a successful login resets every entry, so one valid account would clear its address.
    """

    def address_attempts(self, request) -> QuerySet:
        return AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
        )

    def address_throttled(self, request) -> bool:
        return _failures(self.address_attempts(request)) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or self.address_throttled(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or request.axes_locked_out or self.is_whitelisted(request, credentials):
            return
        if self.address_throttled(request):
            log.warning("Login throttled for address %s after failures across usernames.", request.axes_ip_address)
            request.axes_locked_out = True
            request.axes_credentials = credentials
            username = get_client_username(request, credentials)
            user_locked_out.send("axes", request=request, username=username, ip_address=request.axes_ip_address)

    def locked_until(self, request, credentials=None) -> datetime:
        """The end of the later of the two locks that hold for this request."""
        cool_off = get_cool_off(request)
        ends = [timezone.now()]
        for attempts in self.get_user_attempts(request, credentials):
            ends.append(_ends_at(attempts, settings.AXES_FAILURE_LIMIT, cool_off))
        ends.append(_ends_at(self.address_attempts(request), settings.LOGIN_ADDRESS_FAILURE_LIMIT, cool_off))
        return max(ends)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the Chinese page that says until when this address cannot log in."""
    handler = AxesProxyHandler.get_implementation()
    until = handler.locked_until(request, credentials)
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    context = {"until": until, "minutes": minutes, "address_throttled": handler.address_throttled(request)}
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def login_unlock(*, user: User, by: User) -> int:
    """Lift the locks on `user`'s username at every address, and record who did it: a log line and an admin
    LogEntry on the account (its change history). Returns the number of lock records removed."""
    removed = axes_reset(username=user.username)
    log.warning("Login lock of %s lifted by %s (%d records).", user.username, by.username, removed)
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=_("Unlocked after failed logins"),
        single_object=True,
    )
    return removed
