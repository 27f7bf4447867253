"""Conventions shared by every API endpoint: pagination, error shapes (see docs/api.md) and the
router whose ids are integers. The parsers that check every body are in config/parsers.py (the
REST framework loads them with its settings, before this module could be imported)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import exception_handler as drf_exception_handler

from config.exceptions import ConflictError, InvalidInput, NotAllowed


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class Router(SimpleRouter):
    """A router whose detail routes take an integer id: `/api/findings/abc/` is a 404 from the URL
    map, never a query with "abc". A viewset looking up by something else sets its own
    `lookup_value_regex`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # SimpleRouter's default for a viewset without lookup_value_regex (or _converter).
        self._default_value_pattern = "[0-9]+" if self._use_regex else "int"


def text_field(data, name: str) -> str:
    """The text value of `name` in a request body ("" when absent or null); anything but text, a
    list or a mapping say, is a 400 naming the field."""
    value = data.get(name) if isinstance(data, dict) else None
    if value is None:
        return ""
    if not isinstance(value, str):
        raise exceptions.ValidationError({name: ["Must be text."]})
    return value


class BlankIsNullChoiceField(serializers.ChoiceField):
    """A choice that may not be made yet (a decision before approval, a rating before scoring):
    stored as "" by the model, sent as null, so that every value in a response is one of the
    enum's or null, as the schema says. A null or "" sent back is stored as ""."""

    def __init__(self, **kwargs):
        kwargs["allow_null"] = True
        kwargs["allow_blank"] = False  # "" is never sent; the schema's enum is the choices or null
        super().__init__(**kwargs)

    def to_representation(self, value):
        return None if value in ("", None) else super().to_representation(value)

    def to_internal_value(self, data):
        return "" if data in ("", None) else super().to_internal_value(data)

    def validate_empty_values(self, data):
        if data is None and not self.read_only:
            return (True, "")
        return super().validate_empty_values(data)


class BlankChoicesAreNull:
    """For a ModelSerializer: every text field of the model with choices and blank=True becomes
    a `BlankIsNullChoiceField`, so that no response carries "" where the schema has an enum."""

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.CharField) and model_field.choices and model_field.blank:
            field_class = BlankIsNullChoiceField
            field_kwargs.pop("allow_null", None)
        return field_class, field_kwargs


@extend_schema_field({"type": "string", "nullable": True})
class LabelField(serializers.Field):
    """The label of a stored choice, as the pages show it ("Conditionally approved" for
    `conditionally_approved`); null when none is set. `choices` default to the model field's."""

    def __init__(self, field: str, choices=None, **kwargs):
        self.field_name_of_value, self.fixed_choices = field, choices
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        value = getattr(instance, self.field_name_of_value)
        if value in (None, ""):
            return None
        choices = self.fixed_choices or instance._meta.get_field(self.field_name_of_value).choices
        return str(dict(choices).get(value, value))


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "A service the product needs is not available. Try again shortly."
    default_code = "service_unavailable"


def exception_handler(exc, context):
    """Model-layer validation errors become 400s with the usual shape, never 500s."""
    if isinstance(exc, ConflictError):
        body = {"detail": str(exc), **exc.extra}
        if exc.problems:
            body["problems"] = exc.problems
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, InvalidInput):
        return Response(exc.errors, status=exc.status_code)
    if isinstance(exc, NotAllowed):
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"detail": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
