"""The API's parsers, the defaults of every endpoint (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]):
each body is checked as config/inputs.py says, so that bad input is a 400 (413 for the size)
naming where the problem is, never a 500. This module imports nothing of the REST framework but
its parsers and exceptions, which its settings load first."""

import codecs
import json

from django.conf import settings
from rest_framework import exceptions, parsers, status

from config import inputs


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        super().__init__(f"The request body is larger than the limit of {limit // (1024 * 1024)} MiB.")


def _refuse_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


def _bad_input(exc: inputs.BadInput) -> exceptions.ValidationError:
    return exceptions.ValidationError(exc.as_dict())


class JSONParser(parsers.JSONParser):
    """The default JSON parser: strict JSON (no NaN or Infinity), at most
    DATA_UPLOAD_MAX_MEMORY_SIZE bytes, nested at most inputs.MAX_JSON_DEPTH deep, no NUL character
    in any key or string at any depth, and numbers that fit (inputs.check_json). Each refusal is a
    400 (413 for the size) naming where the problem is."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = b"" if stream is None else stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise PayloadTooLarge()
        try:
            text = codecs.decode(raw, encoding)
            data = json.loads(text, parse_constant=_refuse_constant if self.strict else None)
        except RecursionError:
            raise _bad_input(inputs.BadInput("body", inputs.DEPTH_MESSAGE)) from None
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        try:
            inputs.check_json(data)
        except inputs.BadInput as exc:
            raise _bad_input(exc) from None
        return data


class FormParser(parsers.FormParser):
    """Form bodies of PUT and PATCH (Django parses those of POST, which the request middleware
    checks): no NUL character in a name or a value."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        try:
            inputs.check_querydict(data)
        except inputs.BadInput as exc:
            raise _bad_input(exc) from None
        return data


class MultiPartParser(parsers.MultiPartParser):
    """As FormParser, for multipart bodies (the fields; files have their own checks)."""

    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        try:
            inputs.check_querydict(result.data)
        except inputs.BadInput as exc:
            raise _bad_input(exc) from None
        return result
