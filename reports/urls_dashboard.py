from django.urls import path

from reports.views import dashboard

urlpatterns = [
    path("", dashboard.index, name="dashboard"),
]
