"""Posting Django admin change forms the way a browser would."""

from django.forms import BooleanField


def admin_form_data(response) -> dict:
    """The POST data the admin change form would send back unchanged: the main form, every inline
    formset's management form and every inline form, as rendered in the response."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field, BooleanField):
                if value:
                    data[key] = "on"
            elif isinstance(value, (list, tuple)):
                data[key] = [str(v) for v in value]
            elif value is not None:
                data[key] = str(value)

    context = response.context
    add(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data
