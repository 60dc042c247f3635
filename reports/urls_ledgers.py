from django.urls import path

from reports.views import ledgers

urlpatterns = [
    path("", ledgers.index, name="ledgers"),
]
