from django.urls import path

from reports.views import ledgers

urlpatterns = [
    path("", ledgers.index, name="ledgers"),
    path("export/", ledgers.export, name="ledger_export"),
    path("jobs/<int:pk>/progress/", ledgers.job_progress, name="export_progress"),
    path("jobs/<int:pk>/download/", ledgers.job_download, name="export_download"),
    path("jobs/<int:pk>/retry/", ledgers.job_retry, name="export_retry"),
]
