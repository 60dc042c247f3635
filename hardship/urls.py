from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as account_views
from hardship.views import healthz

admin.site.site_header = _("Bangfu administration")
admin.site.site_title = _("Bangfu administration")
admin.site.index_title = _("Unions, users and configuration")

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz/", healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("", include("cases.urls")),
    path("", include("programs.urls")),
    path("", include("assessment.urls")),
    path("", include("reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
