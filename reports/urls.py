from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "reports"
urlpatterns = [
    path("assessments/<int:pk>/reports/", views.assessment_reports, name="for_assessment"),
    path("assessments/<int:pk>/export.xlsx", views.assessment_workbook, name="workbook"),
    path("reports/<int:pk>/download/", views.download, name="download"),
    path("verify/", views.verify, name="verify"),
    # The page's address before anyone could use it without logging in.
    path("reports/verify/", RedirectView.as_view(pattern_name="reports:verify", permanent=False)),
]
