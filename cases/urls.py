from django.urls import path

from cases.views import files, households, plans, visits, work

app_name = "cases"

urlpatterns = [
    path("households/", households.household_list, name="household_list"),
    path("search/", households.quick_search, name="quick_search"),
    path("households/new/", households.household_create_view, name="household_create"),
    path("households/<int:pk>/", households.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", households.household_edit, name="household_edit"),
    path("households/<int:pk>/card/", households.household_card, name="household_card"),
    path("households/<int:pk>/apply/", files.file_apply_view, name="file_apply"),
    path("files/<int:pk>/do/<slug:action>/", files.file_action, name="file_action"),
    path("files/<int:pk>/plan/", plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/measures/new/", plans.measure_add_view, name="measure_add"),
    path("measures/<int:pk>/status/", plans.measure_status, name="measure_status"),
    path("files/<int:pk>/visits/new/", visits.visit_create, name="visit_create"),
    path("attachments/<int:pk>/", visits.attachment_download, name="attachment_download"),
    path("work/", work.my_work, name="my_work"),
    path("inbox/", work.approver_inbox, name="inbox"),
]
