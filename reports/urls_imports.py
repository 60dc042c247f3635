from django.urls import path

from reports.views import imports

urlpatterns = [
    path("", imports.index, name="imports"),
    path("template.xlsx", imports.template_download, name="import_template"),
    path("upload/", imports.upload, name="import_upload"),
    path("<int:pk>/", imports.detail, name="import_detail"),
    path("<int:pk>/progress/", imports.progress, name="import_progress"),
    path("<int:pk>/errors.xlsx", imports.errors_download, name="import_errors"),
    path("<int:pk>/commit/", imports.commit, name="import_commit"),
    path("<int:pk>/retry/", imports.retry, name="import_retry"),
]
