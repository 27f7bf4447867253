from django.urls import path

from config.api import Router
from vendors.api.views import QualityAgreementDownloadView, VendorViewSet

router = Router()
router.register("vendors", VendorViewSet, basename="vendor")
urlpatterns = [
    *router.urls,
    path(
        "quality-agreements/<int:pk>/download/",
        QualityAgreementDownloadView.as_view(),
        name="quality-agreement-download",
    ),
]
