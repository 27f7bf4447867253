"""CSV/XLSX import and export of vendors in the admin (django-import-export). The export has the
qualification columns; the import refuses a row that would change one (vendors/qualification.py)."""

from import_export import fields, resources, widgets

from config.spreadsheet import neutralise

from . import qualification
from .models import Modality, ServiceLine, TherapeuticArea, Vendor


class VendorResource(resources.ModelResource):
    service_lines = fields.Field(
        attribute="service_lines",
        column_name="service_lines",
        widget=widgets.ManyToManyWidget(ServiceLine, field="slug", separator="|"),
    )
    modalities = fields.Field(
        attribute="modalities",
        column_name="modalities",
        widget=widgets.ManyToManyWidget(Modality, field="slug", separator="|"),
    )
    therapeutic_areas = fields.Field(
        attribute="therapeutic_areas",
        column_name="therapeutic_areas",
        widget=widgets.ManyToManyWidget(TherapeuticArea, field="slug", separator="|"),
    )

    class Meta:
        model = Vendor
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "legal_name",
            "country",
            "website",
            "description",
            "service_lines",
            "modalities",
            "therapeutic_areas",
            "inherent_risk",
            "status",
            "risk_rating",
            "next_requalification_due",
            "source",
        ]
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def export_field(self, field, instance, **kwargs):
        """Exported cells are opened in spreadsheets: none may start like a formula."""
        return neutralise(super().export_field(field, instance, **kwargs))

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        """A qualification column may repeat the vendor's value (an export imported again) but not
        change it: the row errors, and the admin imports nothing of a file with an error."""
        if field.attribute in qualification.DECIDED_FIELDS and field.column_name in row:
            refused = qualification.refused_changes(instance, {field.attribute: field.clean(row)})
            if refused:
                raise ValueError(" ".join(refused[field.attribute]))
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def before_import_row(self, row, **kwargs):
        if row.get("country"):
            row["country"] = str(row["country"]).strip().upper()
