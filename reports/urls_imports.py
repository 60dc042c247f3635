from django.urls import path

from reports.views import imports

urlpatterns = [
    path("", imports.index, name="imports"),
]
