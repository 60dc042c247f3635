from django.urls import path

from programs.views import applications, programs, work

app_name = "programs"

urlpatterns = [
    path("programs/", programs.program_list, name="program_list"),
    path("programs/<int:pk>/", programs.program_detail, name="program_detail"),
    path("programs/<int:pk>/batch/", programs.batch_new, name="batch_new"),
    path("batches/<int:pk>/", programs.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/approve/", programs.batch_approve, name="batch_approve"),
    path("households/<int:pk>/aid/new/", applications.application_create_view, name="application_create"),
    path("households/<int:pk>/aid/check/", applications.application_check, name="application_check"),
    path("aid/", work.application_list, name="application_list"),
    path("aid/inbox/", work.inbox, name="inbox"),
    path("aid/<int:pk>/", applications.application_detail, name="application_detail"),
    path("aid/<int:pk>/edit/", applications.application_edit, name="application_edit"),
    path("aid/<int:pk>/do/<slug:action>/", applications.application_action, name="application_action"),
    path("aid/<int:pk>/pay/", applications.disbursement_create, name="disbursement_create"),
    path("aid/attachments/<int:pk>/", applications.attachment_download, name="attachment_download"),
]
