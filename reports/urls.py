from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("assessments/<int:pk>/reports/", views.assessment_reports, name="for_assessment"),
    path("reports/<int:pk>/download/", views.download, name="download"),
    path("reports/verify/", views.verify, name="verify"),
]
