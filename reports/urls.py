from django.urls import include, path

app_name = "reports"

# Each part of the reports app keeps its own routes.
urlpatterns = [
    path("dashboard/", include("reports.urls_dashboard")),
    path("ledgers/", include("reports.urls_ledgers")),
    path("imports/", include("reports.urls_imports")),
]
