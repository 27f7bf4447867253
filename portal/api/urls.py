from config.api import Router

from .views import PortalActionViewSet, ShareViewSet, VendorResponseViewSet

router = Router()
router.register("portal/corrective-actions", PortalActionViewSet, basename="portal-action")
router.register("corrective-actions", ShareViewSet, basename="correctiveaction-share")
router.register("vendor-responses", VendorResponseViewSet, basename="vendor-response")
urlpatterns = router.urls
