from config.api import Router
from vendors.api.views import VendorViewSet

router = Router()
router.register("vendors", VendorViewSet, basename="vendor")
urlpatterns = router.urls
