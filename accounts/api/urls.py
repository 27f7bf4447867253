from django.urls import path

from accounts.api.views import LogoutView, ObtainTokenView, UserViewSet
from config.api import Router

router = Router()
router.register("users", UserViewSet, basename="user")
urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    *router.urls,
]
