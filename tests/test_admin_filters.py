"""The admin's filters offer labels, as every other page does: a filter over a stored choice
lists "High", never "high". A free-text field (a code, a path, a country) is its own label."""

import re

import pytest
from django.contrib import admin
from django.db import models

from assessments.models import Assessment

pytestmark = pytest.mark.django_db

FREE_VALUES = {"code", "path_info"}  # what is stored is what people read


def test_every_filter_over_stored_text_has_labels():
    unlabelled = []
    for model, model_admin in admin.site._registry.items():
        for entry in model_admin.list_filter:
            if not isinstance(entry, str):
                continue  # a filter class of its own says its labels
            field = model._meta.get_field(entry.split("__")[0])
            if isinstance(field, models.CharField) and not field.choices and field.name not in FREE_VALUES:
                unlabelled.append(f"{model.__name__}.{field.name}")
    assert unlabelled == []


def test_the_assessment_filters_read_in_words(client, quality_admin, assessment):
    Assessment.objects.filter(pk=assessment.pk).update(risk_rating="high", decision="conditionally_approved")
    client.force_login(quality_admin)
    page = client.get("/admin/assessments/assessment/").content.decode()
    links = re.findall(r'<a href="\?risk_rating__exact=([a-z]+)">([^<]+)</a>', page)
    assert ("high", "High") in links and ("critical", "Critical") in links
    assert all(label[0].isupper() for _, label in links), links
    page = client.get("/admin/assessments/assessment/?risk_rating__exact=high").content.decode()
    assert assessment.reference in page
