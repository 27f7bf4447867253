"""Per-page widenings of the Content-Security-Policy (settings.CONTENT_SECURITY_POLICY: no inline
script or style). A page of a third-party package that needs an inline event handler or style
attribute is allowed exactly that source text, by its hash, and nothing else."""

import base64
import hashlib


def source_hash(source: str) -> str:
    """The CSP hash source of an inline handler or style attribute, e.g. 'sha256-...'."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def allow_inline(response, *, handlers=(), styles=()):
    """Lets the page of `response` run exactly the inline event handlers `handlers` and apply
    exactly the style attributes `styles` ('unsafe-hashes' admits attribute sources by hash)."""
    update = {}
    if handlers:
        update["script-src"] = ["'unsafe-hashes'", *map(source_hash, handlers)]
    if styles:
        update["style-src"] = ["'unsafe-hashes'", *map(source_hash, styles)]
    response._csp_update = update
    return response


#: django-import-export's export page: the "select all" checkbox and two style attributes.
IMPORT_EXPORT_EXPORT_PAGE = {
    "handlers": ["onSelectToggleChange(event)"],
    "styles": ["padding: 0;", "font-weight: bold;"],
}


class ImportExportPagePolicy:
    """Mixin for a ModelAdmin with django-import-export: its export page, reached from the
    "Export" button or the "Export selected" action, works under the policy."""

    def export_action(self, request, *args, **kwargs):
        return allow_inline(super().export_action(request, *args, **kwargs), **IMPORT_EXPORT_EXPORT_PAGE)

    def export_admin_action(self, request, queryset):
        return allow_inline(super().export_admin_action(request, queryset), **IMPORT_EXPORT_EXPORT_PAGE)
