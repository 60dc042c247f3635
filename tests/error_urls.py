"""The site's URLs plus views that fail on purpose, for the error page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import path

from hardship.urls import urlpatterns as site_urlpatterns


def bad_request(request):
    raise SuspiciousOperation("a tampered request")


def forbidden(request):
    raise PermissionDenied


def not_found(request):
    raise Http404


def server_error(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("fail/400/", bad_request),
    path("fail/403/", forbidden),
    path("fail/404/", not_found),
    path("fail/500/", server_error),
    *site_urlpatterns,
]
