from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import views

admin.site.site_header = "CDMO qualification: administration"
admin.site.site_title = "CDMO qualification"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", views.health, name="health"),
    path("", include("accounts.urls")),
    path("vendors/", include("vendors.urls")),
    path("", include("checklists.urls")),
    path("", include("assessments.urls")),
    path("", include("monitoring.urls")),
    path("", include("notifications.urls")),
    path("", include("programme.urls")),
    path("", include("portal.urls")),
    path("", include("reports.urls")),
    path("", include("insights.urls")),
    path("api/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]

handler404 = "config.views.not_found"
