from django.contrib.auth import logout
from django.contrib.auth.models import Group
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.authentication import token_expired
from accounts.api.permissions import RulesPermission
from accounts.api.serializers import UserSerializer
from accounts.lockout import LOCKED_MESSAGE, is_locked
from accounts.models import User
from config.parsers import FormParser, JSONParser, MultiPartParser


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """People who can be put on an audit team or asked to review. Read-only: users are managed
    by quality administrators in the admin."""

    serializer_class = UserSerializer
    permission_classes = [RulesPermission]
    queryset = User.objects.filter(is_active=True).prefetch_related(
        Prefetch("groups", queryset=Group.objects.only("name"))
    )
    search_fields = ["username", "first_name", "last_name"]
    filterset_fields = ["username"]

    def get_queryset(self):
        queryset = super().get_queryset()
        role = self.request.query_params.get("role")
        if role:
            queryset = queryset.filter(groups__name=role)
        return queryset

    @extend_schema(responses=UserSerializer)
    @action(detail=False)
    def me(self, request):
        return Response(self.get_serializer(request.user).data)


class ObtainTokenView(ObtainAuthToken):
    """POST user name and password, get the API token. A locked account gets 403 with the
    reason, never a token; failed attempts count toward the lock-out like the log-in page."""

    # The product's parsers (ObtainAuthToken names the REST framework's own): this endpoint is
    # open to anyone, so its body is checked like every other.
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def post(self, request, *args, **kwargs):
        username = request.data.get("username") if hasattr(request.data, "get") else None
        if username and is_locked(request, username):
            return Response({"detail": LOCKED_MESSAGE}, status=403)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token = Token.objects.filter(user=user).first()
        if token is not None and token_expired(token):
            token.delete()
            token = None
        token = token or Token.objects.create(user=user)
        return Response({"token": token.key})


class LogoutView(APIView):
    """POST to end what authenticates this request: the token is revoked (a new one is issued at
    the next POST /api/auth/token/), or the browser session ends. 204, no body."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, Token):
            Token.objects.filter(pk=request.auth.pk).delete()
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
