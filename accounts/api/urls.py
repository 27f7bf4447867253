from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api.views import LogoutView, ObtainTokenView, UserViewSet

router = SimpleRouter()
router.register("users", UserViewSet, basename="user")
urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    *router.urls,
]
