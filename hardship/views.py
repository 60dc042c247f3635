"""Project-level views that belong to no app."""

from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """Liveness for a load balancer or container check: the process answers and the database does (one query).

    No login, no session, no template: it reads neither `request.user` nor `request.session`, so nothing is written.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
