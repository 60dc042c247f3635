from django.urls import path

from assessment import views

app_name = "assessment"

urlpatterns = [
    path("assessment/", views.assessment_page, name="assessment"),
    path("assessment/start/", views.assessment_start_view, name="start"),
    path("assessment/runs/<int:pk>/progress/", views.assessment_progress, name="progress"),
    path("assessment/runs/<int:pk>/resume/", views.assessment_resume_view, name="resume"),
    path("assessment/households/<int:pk>/propose/", views.assessment_propose, name="propose"),
]
