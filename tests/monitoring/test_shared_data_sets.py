"""A data set is the site's, not one assessment's: a later assessment of the same site reviews a
data set imported before; the vendor sends its own results for a questionnaire through the
portal, through the same import, without answering the audit's questions."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments.models import Answer
from monitoring import formats, imports
from monitoring.models import DataSet, DataSetReview
from portal import access, questionnaires
from tests.factories import new_assessment
from vendors.models import Site, Vendor

from .conftest import csv_bytes, row, sample

pytestmark = pytest.mark.django_db

EXCURSIONS = [sample(value=2), sample(location="BSC 2", value=0)]


@pytest.fixture
def earlier(em_assessment, lead_auditor):
    """A data set imported for `em_assessment`, with one grade A excursion."""
    data_set, _ = imports.import_samples(em_assessment, lead_auditor, formats.read_json(EXCURSIONS))
    return data_set


@pytest.fixture
def later(checklist, vendor, site, lead_auditor, auditor, reviewer):
    return new_assessment(checklist, vendor, lead_auditor, reviewer, team=[auditor], site=site)


def test_a_later_assessment_of_the_site_reviews_a_data_set_imported_before(
    earlier, later, lead_api, auditor_api, api_as, outsider, lead_auditor
):
    url = f"/api/assessments/{later.pk}/em-data-sets/"
    listed = lead_api.get(url).json()
    assert listed["reviewed"] == [] and [d["id"] for d in listed["to_review"]] == [earlier.pk]
    assert api_as(outsider).post(url, {"data_set": earlier.pk}, format="json").status_code == 404
    for bad in ({"data_set": "EM-1"}, {"data_set": 999999}, {}):
        assert lead_api.post(url, bad, format="json").status_code == 400, bad
    done = auditor_api.post(url, {"data_set": earlier.pk}, format="json")
    assert done.status_code == 201 and done.json()["reference"] == earlier.reference
    review = DataSetReview.objects.get(assessment=later)
    assert review.data_set == earlier and review.added_by.username == "auditor"
    again = lead_api.post(url, {"data_set": earlier.pk}, format="json")
    assert again.status_code == 409 and "already" in again.json()["detail"]
    summary = lead_api.get(f"/api/assessments/{later.pk}/em-results/summary/").json()
    assert summary["totals"]["excursions"] == 1  # its samples as they were judged
    assert [d["id"] for d in lead_api.get(url).json()["reviewed"]] == [earlier.pk]


def test_another_sites_data_set_is_refused(earlier, checklist, vendor, lead_auditor, reviewer, lead_api):
    other_site = Site.objects.create(vendor=vendor, name="Leiden vector plant", country="NL")
    elsewhere = new_assessment(checklist, vendor, lead_auditor, reviewer, site=other_site)
    response = lead_api.post(f"/api/assessments/{elsewhere.pk}/em-data-sets/", {"data_set": earlier.pk}, format="json")
    assert response.status_code == 409 and "its own site" in response.json()["detail"]
    assert not DataSetReview.objects.filter(assessment=elsewhere).exists()
    assert lead_api.get(f"/api/assessments/{elsewhere.pk}/em-data-sets/").json()["to_review"] == []


def test_the_em_page_offers_the_sites_other_data_sets_to_the_team(earlier, later, client, auditor, reviewer):
    client.force_login(reviewer)
    assert earlier.reference not in client.get(f"/assessments/{later.pk}/em/").content.decode()
    client.force_login(auditor)
    page = client.get(f"/assessments/{later.pk}/em/").content.decode()
    assert f"Review {earlier.reference} here" in page
    response = client.post(f"/assessments/{later.pk}/em/data-sets/", {"data_set": earlier.pk})
    assert response.status_code == 302
    assert DataSetReview.objects.filter(assessment=later, data_set=earlier).exists()
    assert f"Review {earlier.reference} here" not in client.get(f"/assessments/{later.pk}/em/").content.decode()


# --- The vendor's own results, for a questionnaire ---------------------------------------------------
@pytest.fixture
def sent(checklist, vendor, site, lead_auditor, auditor, reviewer, vendor_contact, em_limits):
    access.link(vendor_contact, vendor)
    survey = new_assessment(checklist, vendor, lead_auditor, reviewer, team=[auditor], site=site, mode="questionnaire")
    return questionnaires.send(
        survey, lead_auditor, [vendor_contact.pk], timezone.localdate() + datetime.timedelta(days=20)
    )


def upload(rows, name="em.csv"):
    return SimpleUploadedFile(name, csv_bytes(rows), content_type="text/csv")


def test_the_vendor_sends_em_results_for_its_questionnaire(sent, api_as, vendor_contact, client, make_user):
    contact = api_as(vendor_contact)
    url = f"/api/portal/questionnaires/{sent.pk}/em-results/"
    bad = contact.post(url, {"file": upload([row(value=1), row(grade="Z")])}, format="multipart")
    assert bad.status_code == 400 and "line 3" in str(bad.json()).lower()
    assert not DataSet.objects.exists()
    done = contact.post(url, {"file": upload([row(value=1), row(location="BSC 2")])}, format="multipart")
    assert done.status_code == 201, done.content
    data_set = DataSet.objects.get()
    assert (data_set.imported_by, data_set.imported_for, data_set.sample_count) == (vendor_contact, sent.assessment, 2)
    assert DataSetReview.objects.get().assessment == sent.assessment
    assert not Answer.objects.filter(assessment=sent.assessment).exists()  # the audit's answers stay its own

    client.force_login(vendor_contact)
    page = client.get(f"/portal/questionnaires/{sent.pk}/").content.decode()
    assert data_set.reference in page and "Send the EM results" in page
    refused = client.post(f"/portal/questionnaires/{sent.pk}/em/", {"file": upload([row(kind="smell")])})
    assert refused.status_code == 400 and "Nothing was sent" in refused.content.decode()

    other = make_user("elsewhere-contact", "vendor_contact")
    access.link(other, Vendor.objects.create(name="Other Cells AG", country="CH"))
    assert api_as(other).post(url, {"file": upload([row()])}, format="multipart").status_code == 404


def test_no_em_results_once_submitted_or_without_a_site(sent, api_as, vendor_contact):
    contact = api_as(vendor_contact)
    url = f"/api/portal/questionnaires/{sent.pk}/em-results/"
    assessment = sent.assessment
    assessment.site = None
    assessment.save(update_fields=["site"])
    no_site = contact.post(url, {"file": upload([row()])}, format="multipart")
    assert no_site.status_code == 409 and "names no site" in no_site.json()["detail"]
    type(sent).objects.filter(pk=sent.pk).update(submitted_at=timezone.now())
    submitted = contact.post(url, {"file": upload([row()])}, format="multipart")
    assert submitted.status_code == 409 and "read-only" in submitted.json()["detail"]
    assert not DataSet.objects.exists()
