"""The API's renderers (REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"]). Like config/parsers.py, this
module imports nothing of the REST framework but its renderers, which its settings load first."""

from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """The REST framework's HTML pages of the API. Their templates set a few inline styles, so
    these pages alone may apply inline style; inline script stays refused, as everywhere."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return super().render(data, accepted_media_type, renderer_context)
