from config.api import Router

from .views import PortalActionViewSet, PortalQuestionnaireViewSet, SendViewSet, ShareViewSet, VendorResponseViewSet

router = Router()
router.register("portal/corrective-actions", PortalActionViewSet, basename="portal-action")
router.register("corrective-actions", ShareViewSet, basename="correctiveaction-share")
router.register("vendor-responses", VendorResponseViewSet, basename="vendor-response")
router.register("portal/questionnaires", PortalQuestionnaireViewSet, basename="portal-questionnaire")
router.register("assessments", SendViewSet, basename="assessment-send")
urlpatterns = router.urls
