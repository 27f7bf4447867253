from django.urls import path

from config.api import Router
from reports.api.views import (
    AssessmentReportsView,
    AssessmentWorkbookView,
    ReportArchiveViewSet,
    ReportVerifyView,
    ReportViewSet,
)

router = Router()
router.register("reports", ReportViewSet, basename="report")
router.register("report-archives", ReportArchiveViewSet, basename="reportarchive")
urlpatterns = [
    path("reports/verify/", ReportVerifyView.as_view(), name="report-verify"),
    path("assessments/<int:pk>/reports/", AssessmentReportsView.as_view(), name="assessment-reports"),
    path("assessments/<int:pk>/export.xlsx", AssessmentWorkbookView.as_view(), name="assessment-workbook"),
    *router.urls,
]
