"""Demo assessments for `make run`, so that a newcomer sees a living product: assessments in each
state (planned, in progress, returned, submitted, approved with findings) of cell-therapy CDMOs
from the reference data, on the built-in checklist CGT-CDMO v1.

Everything goes through the product's own services (answers, findings, corrective actions,
workflow steps, password-checked signatures), each step as the demo user who would take it, so
the scores, the audit trail and the signatures are real. Approval time is "now" (signatures are
real); the performed dates are spread over the last two years.

The records are fictitious: no such audit of these companies took place. Every demo assessment's
scope starts with "[demo]", and that is how the command knows it has run: a second run does
nothing. Nor does it add anything to a database that holds assessments of its own, since the demo
approvals would change real vendors' qualification status. Run `load_reference_data` and
`demo_accounts` first.
"""
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from accounts.management.commands.demo_accounts import demo_password
from accounts.models import User
from assessments import answers as answer_service
from assessments import evaluation, exceptions, signatures, workflow
from assessments import findings as finding_service
from assessments.models import Assessment, CorrectiveAction
from audit.context import acting
from checklists.models import Checklist, Question
from vendors.models import GMPCertificate, Site, Vendor

DEMO_MARK = "[demo]"
LABEL = "demo data"
CHECKLIST = ("CGT-CDMO", 1)
NOTE = "Fictitious record created by load_demo_data for demonstration; not a real audit of this company."

# --- Sites ------------------------------------------------------------------------------------
# vendor name: (site name, city, country, grades, floor area sq ft, certificate kind, number, issued by)
SITES = {
    "Cognate Bioservices": ("Memphis cell therapy plant", "Memphis, TN", "US", "ABCD", 47000,
                            GMPCertificate.Kind.FDA_REGISTRATION, "DEMO-FEI-3011", "U.S. FDA"),
    "MaSThercell": ("Gosselies manufacturing centre", "Gosselies", "BE", "ABCD", 32000,
                    GMPCertificate.Kind.MANUFACTURING_AUTHORISATION, "DEMO-BE-MIA-1207", "FAMHP (Belgium)"),
    "CellforCure": ("Les Ulis facility", "Les Ulis", "FR", "ABCD", 29000,
                    GMPCertificate.Kind.GMP_CERTIFICATE, "DEMO-FR-GMP-0458", "ANSM (France)"),
    "Roslin Cells (formerly Roslin Cell Therapies)": (
        "Edinburgh BioQuarter", "Edinburgh", "GB", "ABC", 12000,
        GMPCertificate.Kind.MANUFACTURING_AUTHORISATION, "DEMO-MIA(IMP)-0921", "MHRA (UK)"),
    "Cellular Therapeutics Ltd": ("Manchester cell therapy unit", "Manchester", "GB", "ABC", 8000,
                                  GMPCertificate.Kind.MANUFACTURING_AUTHORISATION, "DEMO-MIA(IMP)-0377",
                                  "MHRA (UK)"),
    "Takara Bio": ("Kusatsu CDMO centre", "Kusatsu, Shiga", "JP", "ABCD", 54000,
                   GMPCertificate.Kind.OTHER, "DEMO-JP-RM-0112", "MHLW (Japan), regenerative medicine licence"),
    "3P Biopharmaceuticals": ("Noáin cell therapy plant", "Noáin, Navarra", "ES", "ABCD", 21000,
                              GMPCertificate.Kind.GMP_CERTIFICATE, "DEMO-ES-GMP-2290", "AEMPS (Spain)"),
    "Cell and Gene Therapy Catapult": ("Stevenage manufacturing centre", "Stevenage", "GB", "ABC", 75000,
                                       GMPCertificate.Kind.MANUFACTURING_AUTHORISATION, "DEMO-MIA(IMP)-1350",
                                       "MHRA (UK)"),
}

# --- Answers ----------------------------------------------------------------------------------
# A well-run cell-therapy site that transduces T cells with lentiviral vector; every assessment
# starts from this and changes what its story needs.
BASELINE = {
    "A.1": 38, "A.2": 5.3, "A.3": "compliant", "A.4": "yes", "A.5": "no", "A.6": "yes", "A.7": "compliant",
    "A.8": "compliant", "A.9": 3,
    "B.1": "compliant", "B.2": "compliant", "B.3": "compliant", "B.4": "compliant", "B.5": 3, "B.6": "compliant",
    "B.7": "no",
    "C.1": "compliant", "C.2": "compliant", "C.3": "compliant", "C.4": 0, "C.5": "compliant", "C.6": "compliant",
    "C.7": "compliant",
    "D.1": "compliant", "D.2": "compliant", "D.3": 0, "D.4": "compliant", "D.5": "compliant", "D.6": "compliant",
    "D.7": "compliant", "D.8": "compliant", "D.9": "compliant", "D.10": "compliant",
    "E.1": "compliant", "E.2": 12, "E.3": "compliant", "E.4": "compliant", "E.5": "compliant", "E.6": "compliant",
    "E.7": 3,
    "F.1": "compliant", "F.2": 100, "F.3": "compliant", "F.4": "compliant", "F.5": "compliant", "F.6": "compliant",
    "F.7": "EU, UK and US; LN2 dry shippers with continuous temperature and location loggers, "
           "two specialised couriers.",
    "G.1": 3, "G.2": "compliant", "G.3": "no", "G.4": "no", "G.5": "compliant", "G.6": "compliant",
    "H.1": "compliant", "H.2": 3, "H.3": "compliant", "H.4": "compliant", "H.5": "compliant", "H.6": "compliant",
    "I.1": "compliant", "I.2": "compliant", "I.3": "compliant", "I.4": "compliant", "I.5": "compliant",
    "I.6": "compliant", "I.7": 30,
}
# The auditor (environmental monitoring and contamination specialist) answers these criteria;
# the lead auditor answers the rest.
AUDITOR_CRITERIA = ("C", "D", "E", "H")

NO_VECTOR = ("The client's programme is an allogeneic, non-genetically modified cell product and the site "
             "handles no viral vector (site master file section 2, no contained-use authorisation).")
CLINICAL_ONLY = ("The client's programme is in phase I/II and needs clinical supply only; commercial "
                 "experience is not a selection criterion for this contract.")


def _days(n):
    return timedelta(days=n)


# Each assessment: who it is about, when, what was answered (value, comment), N/A justifications,
# findings (with corrective actions and, once approved, the vendor's follow-up) and how far it went.
# "stage" is planned, in_progress, returned, submitted or approved; "ago" is days before today
# that the audit started (negative: planned in the future).
ASSESSMENTS = [
    {
        "key": "cognate-initial",
        "vendor": "Cognate Bioservices", "kind": Assessment.Kind.INITIAL, "mode": Assessment.Mode.ON_SITE,
        "ago": 700, "days": 3, "stage": "approved",
        "scope": "Initial qualification for clinical and commercial manufacture of an autologous CD19 CAR-T "
                 "drug product: apheresis receipt, lentiviral transduction, expansion, formulation, "
                 "cryopreservation and release testing.",
        "answers": {
            "A.1": (38, "Batch list of the last 36 months reconciled against the batch record log for 10 sampled "
                        "lots: 38 GMP batches (31 autologous T-cell, 7 allogeneic NK-cell)."),
            "A.2": (5.3, "2 of 38 batches not released: one expansion failure (low CD3+ count in the apheresis, "
                         "documented rationale), one OOS viability at thaw. Both investigated and closed."),
            "A.5": ("no", "Last FDA inspection classified VAI; three Form 483 observations, CAPA verified "
                          "effective and no repeat observation (checked in the FDA dashboard)."),
            "B.5": (2, "Process risk assessment exists but was not updated with the transfer data; parameter "
                       "ranges in the batch record do not all trace back to development reports."),
            "C.7": ("partial", "EM risk assessment EM-RA-004 rev 2 predates the reconfiguration of suite 3; "
                               "the two new pass-through hatches have no monitoring location."),
            "D.2": ("compliant", "APS covers the full 11-day process including the worst-case interventions; "
                                 "3 runs per suite per year, the last 6 without growth."),
            "E.7": (2, "Aseptic behaviour is assessed at initial qualification only; no routine observation "
                       "during production."),
            "G.1": (2, "Data governance SOP in place, but no defined true-copy process for the hybrid "
                       "paper/electronic batch record; ALCOA+ training given to QC only."),
            "H.2": (2, "Plasmid and vector suppliers audited on site; media and cytokine suppliers qualified by "
                       "questionnaire only, without a risk-based audit schedule."),
            "I.3": ("partial", "Storage excursions are assessed by QA, but two transport excursions were closed "
                               "by Logistics without a QA decision or client notification."),
        },
        "findings": [
            {"question": "C.7", "classification": "minor", "fmea": (3, 2, 3),
             "description": "The environmental monitoring risk assessment (EM-RA-004 rev 2) was not updated after "
                            "suite 3 was reconfigured: the two new pass-through hatches between grade C and "
                            "grade B have no monitoring location.",
             "requirement": "EU GMP Annex 1 (2022) 9.4: monitoring locations based on a documented risk "
                            "assessment, reviewed when the facility changes.",
             "action": {"description": "Update EM-RA-004 for the reconfigured suite 3, add monitoring locations "
                                       "at both pass-through hatches and run three months of intensified "
                                       "monitoring.",
                        "owner": "Dana Whitfield, Head of Quality Assurance", "due": 60},
             "follow_up": {"root_cause": "The change control for the suite 3 reconfiguration did not list the EM "
                                         "risk assessment among the impacted documents.",
                           "vendor_action": "EM-RA-004 rev 3 approved with two new locations; the change-control "
                                            "impact checklist now includes environmental monitoring documents.",
                           "verification": "EM-RA-004 rev 3 and three months of data for the new locations reviewed "
                                           "at the requalification audit: no excursion.",
                           "status": CorrectiveAction.Status.CLOSED}},
            {"question": "I.3", "classification": "minor", "fmea": (3, 2, 2),
             "description": "Two shipment temperature excursions (dry shipper logger above -150 °C for 40 and "
                            "95 minutes) were closed by Logistics without a QA product-impact decision and "
                            "without notifying the client.",
             "requirement": "EU GDP Guidelines chapter 9 and ICH Q9(R1) Annex II.5: excursions assessed with data, "
                            "decided by QA and communicated to the client.",
             "action": {"description": "Route every storage and transport excursion through the deviation "
                                       "system with a QA impact assessment based on excursion-study data and "
                                       "client notification as the quality agreement requires.",
                        "owner": "Marcus Bell, Logistics Manager", "due": 90},
             "follow_up": {"root_cause": "The shipping SOP let Logistics close excursions below 2 hours.",
                           "vendor_action": "Shipping SOP revised; both excursions re-assessed by QA with the "
                                            "dry-shipper excursion study; clients notified.",
                           "verification": "Deviation log of the following six months checked: all four transport "
                                           "excursions carry a QA decision and a client notification.",
                           "status": CorrectiveAction.Status.VERIFIED_EFFECTIVE}},
        ],
    },
    {
        "key": "mastercell",
        "vendor": "MaSThercell", "kind": Assessment.Kind.INITIAL, "mode": Assessment.Mode.ON_SITE,
        "ago": 300, "days": 2, "stage": "approved",
        "scope": "Initial qualification for phase II manufacture of an autologous TCR-T product, including "
                 "lentiviral transduction and QC release testing.",
        "answers": {
            "A.1": (24, "24 GMP batches in 36 months for four clients, all autologous; 9 with lentiviral "
                        "transduction."),
            "A.6": ("no", "No licensed product made at the site; the client plans commercial supply from 2 years on."),
            "B.4": ("non_compliant", "Change control CC-117 switched the final-product cryobag to another supplier "
                                     "without a comparability protocol or the clients' approval before "
                                     "implementation."),
            "A.8": ("partial", "Procedure for OOS autologous batches exists but does not describe the physician's "
                               "documented request or the QP sign-off."),
            "B.5": (2, "Control strategy documents exist for two of four client processes."),
            "D.9": ("compliant", "Two patient lots processed concurrently in separate grade B suites; line "
                                 "clearance checklist verified in 3 batch records."),
            "E.5": ("partial", "One QA reviewer covers weekend batch record review; two batches waited more than "
                               "24 hours for release review in the last quarter."),
            "E.7": (2, "Behaviour observations are planned but only one was performed in the last year."),
            "F.2": (80, "40 of the 50 slots per year projected at peak can be committed (80 %); the suite 4 "
                        "expansion, planned for next year, would cover the rest."),
            "F.3": ("partial", "Scale-out across 3 suites; equivalence of the two incubator models not shown."),
            "H.2": (2, "Vector supplier audited; single-use bag set supplier qualified on certificate only."),
            "I.2": ("partial", "Dry shippers requalified every 2 years, but two units in use were overdue."),
        },
        "findings": [
            {"question": "B.4", "classification": "major", "fmea": (4, 3, 3),
             "description": "The final-product cryobag was changed to another supplier (CC-117) without an impact "
                            "assessment on critical quality attributes, without a comparability protocol and "
                            "without the clients' documented approval before implementation; 6 patient batches "
                            "were made in the new bag.",
             "requirement": "EU GMP Chapter 7, 7.12 and EMA Q&A on comparability for ATMPs: changes agreed with the "
                            "contract giver and supported by comparability data before implementation.",
             "action": {"description": "Perform a retrospective comparability assessment (container-closure "
                                       "integrity, extractables, post-thaw viability and potency) for the 6 "
                                       "batches, notify the clients, and require client approval of any change "
                                       "to a product-contact material in the change-control SOP.",
                        "owner": "Sophie Lambert, QA Director", "due": 90},
             "follow_up": {"root_cause": "Bag supplier changes were classified as minor purchasing changes outside "
                                         "the client-approval workflow.",
                           "vendor_action": "Comparability report CR-022 submitted; change-control SOP revision "
                                            "in approval.",
                           "status": CorrectiveAction.Status.RESPONSE_RECEIVED}},
            {"question": "E.5", "classification": "minor", "fmea": (2, 3, 2),
             "description": "Weekend release review depends on a single QA reviewer; two batches waited more than "
                            "24 hours for batch record review, reducing the remaining shelf life of fresh product.",
             "requirement": "EudraLex Vol. 4 Part IV, 3.1: sufficient qualified personnel for the activities.",
             "action": {"description": "Qualify a second QA reviewer for weekend release review and monitor "
                                       "release lead time monthly.",
                        "owner": "Sophie Lambert, QA Director", "due": 120},
             "follow_up": {"root_cause": "Growth in weekend slots was not reflected in the QA rota.",
                           "vendor_action": "Two additional QA reviewers trained; release lead time added to the "
                                            "monthly quality KPIs.",
                           "status": CorrectiveAction.Status.ACCEPTED}},
        ],
    },
    {
        "key": "cellforcure",
        "vendor": "CellforCure", "kind": Assessment.Kind.INITIAL, "mode": Assessment.Mode.ON_SITE,
        "ago": 120, "days": 3, "stage": "approved",
        "scope": "Initial qualification for clinical manufacture of an autologous CAR-T product: aseptic "
                 "processing in grade A biosafety cabinets with grade B background, EM programme, APS.",
        "answers": {
            "A.6": ("no", "Clinical supply only so far; the client will need commercial supply."),
            "A.9": (2, "Trend reports sent to clients only on request."),
            "B.5": (2, "Process knowledge sits with the MSAT lead; no maintained process risk assessment."),
            "C.3": ("partial", "Grade B isolates identified to genus level only; trend report not issued for Q3."),
            "C.4": (2, "Two grade A settle plates with growth (1 CFU each, Micrococcus luteus and Staphylococcus "
                       "epidermidis) in the last 12 months; investigations opened but not completed, no product "
                       "impact assessment for the three batches processed in those sessions."),
            "C.5": ("partial", "Glove prints taken after critical interventions, but not on every exit from "
                               "grade B."),
            "C.6": ("partial", "Alert levels not set for the grade C corridor; excursion response not followed "
                               "for one grade B air sample."),
            "C.7": ("partial", "Sampling locations not re-assessed since the cabinets were replaced."),
            "D.1": ("partial", "CCS approved but not reviewed since issue; it does not cover the cryostorage area."),
            "D.2": ("partial", "APS protocol uses 2 operators, while routine production uses up to 3 in the "
                               "grade B suite; worst-case duration is covered."),
            "D.8": ("partial", "Procedure covers late sterility results but not late mycoplasma culture results."),
            "E.3": ("partial", "Two operators performed aseptic steps before their first APS, under supervision "
                               "not documented in the batch record."),
            "E.7": (1, "No programme beyond the annual APS participation."),
            "G.1": (2, "ALCOA+ principles in the data governance SOP; no data-criticality assessment."),
            "G.2": ("partial", "Audit trails enabled on the EM system and LIMS; the flow cytometer's audit trail "
                               "is not reviewed."),
            "H.2": (2, "Cytokine supplier not audited; qualification by questionnaire."),
            "I.1": ("partial", "LN2 freezers alarmed, but the backup freezer capacity was never tested."),
        },
        "findings": [
            {"question": "C.4", "classification": "critical", "fmea": (5, 2, 4),
             "description": "Two grade A settle-plate results with growth in the last 12 months have no completed "
                            "investigation; no product impact assessment was made for the three patient batches "
                            "processed in the affected sessions, all of which were released and administered.",
             "requirement": "EU GMP Annex 1 (2022) 9.13 and Table 6: any growth in grade A is investigated, "
                            "including its impact on every batch concerned.",
             "action": {"description": "Complete both investigations with organism identification, root cause and "
                                       "a product impact assessment for each batch concerned; inform the clients "
                                       "and treating centres as the quality agreements require.",
                        "owner": "Claire Moreau, Pharmacien Responsable", "due": 30},
             "follow_up": {"root_cause": "Investigations stalled waiting for external species identification; the "
                                         "deviation SOP sets no deadline for grade A excursions.",
                           "vendor_action": "Both investigations closed with impact assessments; deviation SOP now "
                                            "requires closure of grade A excursions within 30 days.",
                           "status": CorrectiveAction.Status.RESPONSE_RECEIVED}},
            {"question": "D.2", "classification": "major", "fmea": (4, 3, 3),
             "description": "The aseptic process simulation does not include the maximum number of operators "
                            "present in routine production (3 in the grade B suite, 2 in the APS).",
             "requirement": "EU GMP Annex 1 (2022) 9.34: the APS reproduces the maximum number of personnel.",
             "action": {"description": "Revise the APS protocol to the maximum of 3 operators and the full list of "
                                       "authorised interventions, then perform three consecutive successful runs.",
                        "owner": "Julien Petit, Production Manager", "due": 120}},
        ],
    },
    {
        "key": "cognate-requal",
        "vendor": "Cognate Bioservices", "kind": Assessment.Kind.REQUALIFICATION, "mode": Assessment.Mode.ON_SITE,
        "ago": 50, "days": 2, "stage": "approved", "based_on": "cognate-initial",
        "scope": "Requalification for commercial manufacture of the autologous CD19 CAR-T drug product; follow-up "
                 "of the corrective actions of the initial qualification.",
        "answers": {
            "A.1": (52, "52 GMP batches in the last 36 months (44 autologous T-cell, 8 allogeneic NK-cell)."),
            "A.2": (3.8, "2 of 52 batches not released, both expansion failures linked to the apheresis material."),
            "B.5": (3, "Process FMEA now updated after each campaign and linked to the batch record parameters."),
            "C.7": ("compliant", "EM-RA-004 rev 3 covers the new pass-through hatches; three months of intensified "
                                 "monitoring without excursion."),
            "E.7": (4, "Quarterly observation of aseptic behaviour in production, with trended results."),
            "G.1": (3, "True-copy procedure introduced; ALCOA+ training now covers production and QA."),
            "H.2": (3, "Risk-based audit schedule covers all critical suppliers; media supplier audited."),
            "H.6": ("compliant", "Critical materials list with single-source flags and 5 months' safety stock."),
            "I.3": ("compliant", "All excursions of the last 12 months carry a QA decision based on the "
                                 "dry-shipper excursion study."),
        },
        "findings": [
            {"question": "H.6", "classification": "observation",
             "description": "The DMSO-based cryopreservation medium has a single qualified source; safety stock "
                            "covers 5 months. Qualifying a second source is recommended.",
             "requirement": "ICH Q9(R1): risks to product availability."},
        ],
    },
    {
        "key": "roslin",
        "vendor": "Roslin Cells (formerly Roslin Cell Therapies)", "kind": Assessment.Kind.INITIAL,
        "mode": Assessment.Mode.ON_SITE, "ago": 21, "days": 2, "stage": "submitted",
        "scope": "Initial qualification for phase I manufacture of an allogeneic iPSC-derived cell product: "
                 "master and working cell banks, differentiation, fill and cryopreservation.",
        "answers": {
            "A.1": (14, "14 GMP batches in 36 months: 6 iPSC master/working cell banks and 8 differentiated "
                        "clinical batches."),
            "A.2": (7.1, "1 of 14 batches not released (mycoplasma PCR positive in the working cell bank; root cause "
                         "contaminated feeder-free matrix lot)."),
            "A.4": ("na", "No viral vector at the site; reprogramming uses non-integrating episomal plasmids."),
            "A.6": ("na", ""),
            "D.6": ("compliant", "Rapid sterility (BacT/ALERT) validated for the product matrix; mycoplasma by "
                                 "validated NAT per Ph. Eur. 2.6.7."),
            "G.2": ("partial", "Audit trails enabled on all systems, but the flow cytometer audit trail is reviewed "
                               "quarterly, not before batch release."),
            "H.6": ("partial", "Recombinant laminin matrix is single-source with 2 months' stock and no "
                               "continuity plan."),
            "I.4": ("compliant", "ISBT 128 chain-of-identity identifier carried from cell bank vial to final "
                                 "product label; verified on 3 batch records."),
        },
        "na": {"A.4": NO_VECTOR, "A.6": CLINICAL_ONLY},
        "findings": [
            {"question": "G.2", "classification": "major", "fmea": (4, 3, 3),
             "description": "The audit trail of the flow cytometry software used for identity and purity release "
                            "testing is reviewed quarterly and not as part of batch release; deleted and "
                            "re-acquired tubes would not be seen before release.",
             "requirement": "EU GMP Annex 11, 9 and PIC/S PI 041-1: audit-trail review before batch release for "
                            "data that support release.",
             "action": {"description": "Add the flow cytometer audit-trail review to the release checklist and "
                                       "review retrospectively the audit trails of every released batch.",
                        "owner": "Fiona Grant, Head of Quality Control", "due": 45}},
            {"question": "H.6", "classification": "minor", "fmea": (3, 2, 2),
             "description": "The recombinant laminin matrix is single-source with 2 months' stock and no continuity "
                            "plan.",
             "requirement": "ICH Q10 2.7 and ICH Q9(R1): risks to product availability managed.",
             "action": {"description": "Raise safety stock to 6 months and start qualification of a second source.",
                        "owner": "Ewan Murray, Supply Chain Lead", "due": 120}},
        ],
    },
    {
        "key": "cellular-therapeutics",
        "vendor": "Cellular Therapeutics Ltd", "kind": Assessment.Kind.INITIAL, "mode": Assessment.Mode.ON_SITE,
        "ago": 35, "days": 2, "stage": "returned",
        "scope": "Initial qualification for phase I/II manufacture of an autologous tumour-infiltrating "
                 "lymphocyte (TIL) product.",
        "answers": {
            "A.1": (19, "19 GMP TIL batches in 36 months for two academic sponsors."),
            "A.4": ("na", ""),
            "A.6": ("na", ""),
            "B.6": ("partial", "Quality agreement with one client is silent on subcontracted mycoplasma testing."),
            "C.3": ("compliant", "Trend reports reviewed for four quarters. Two grade B isolates in Q2 identified "
                                 "to genus level (Bacillus sp.)."),
            "F.7": ("UK and EU; LN2 dry shippers, one specialised courier.", ""),
        },
        "na": {"A.4": NO_VECTOR, "A.6": CLINICAL_ONLY},
        "findings": [
            {"question": "B.6", "classification": "minor", "fmea": (3, 2, 2),
             "description": "The quality agreement with one client does not cover the subcontracting of "
                            "mycoplasma testing to an external laboratory.",
             "requirement": "EU GMP Chapter 7, 7.14-7.17: the contract covers subcontracting.",
             "action": {"description": "Amend the quality agreement to name the mycoplasma laboratory and the "
                                       "approval of subcontractors.",
                        "owner": "Priya Shah, Quality Manager", "due": 60}},
        ],
        "return_reason": "C.3 is answered compliant, but the comment says two grade B isolates were identified only "
                         "to genus level; Annex 1 (2022) 9.30 expects grade A and B isolates identified to species. "
                         "Re-assess C.3 and raise a finding, or explain why it is compliant.",
    },
    {
        "key": "takara",
        "vendor": "Takara Bio", "kind": Assessment.Kind.INITIAL, "mode": Assessment.Mode.REMOTE,
        "ago": 10, "days": 5, "stage": "in_progress", "only": ("A", "B", "C.1", "C.2", "C.3"),
        "scope": "Initial qualification (remote, document review and video walk-through) for phase I "
                 "manufacture of a gamma-retroviral transduced T-cell product.",
        "answers": {
            "A.1": (61, "61 GMP batches in 36 months, mostly retroviral-transduced T cells for domestic clients."),
            "A.4": ("yes", "Retroviral vector produced in a separate vector suite under contained-use licence."),
            "A.6": ("na", ""),
            "B.1": ("compliant", "Two transfer packages reviewed by video: protocol, acceptance criteria and close-out "
                                 "reports complete."),
            "B.2": ("partial", "Gap analysis of the last transfer dated three weeks after the first engineering run; "
                               "the substituted closed cell processor was not assessed."),
            "C.2": ("compliant", "Continuous particle monitoring in the cabinets, alarm history shown on screen."),
        },
        "na": {"A.6": CLINICAL_ONLY},
        "findings": [
            {"question": "B.2", "classification": "minor", "fmea": (3, 2, 3),
             "description": "The gap analysis for the most recent technology transfer was approved three weeks after "
                            "the first engineering run, and the substitution of the closed cell processor was not "
                            "assessed for equivalence.",
             "requirement": "WHO TRS 1044 Annex 4: gap analysis and risk assessment before the transfer runs."},
        ],
    },
    {
        "key": "3p",
        "vendor": "3P Biopharmaceuticals", "kind": Assessment.Kind.INITIAL, "mode": Assessment.Mode.ON_SITE,
        "ago": 2, "days": 3, "stage": "in_progress", "only": ("A.1", "A.2", "A.3", "A.4", "A.5", "D.1", "D.2", "D.3",
                                                              "D.4", "F.4"),
        "scope": "Initial qualification for phase II manufacture of an allogeneic mesenchymal stromal cell "
                 "product: expansion in closed bioreactors, fill and cryopreservation.",
        "answers": {
            "A.1": (27, "27 GMP batches in 36 months (MSC and chondrocyte products)."),
            "A.4": ("na", ""),
            "D.3": (0, "Three APS runs in the last 12 months, no contaminated unit."),
            "D.4": ("partial", "Fill of the final bags is an open step performed in a grade A cabinet in a grade C "
                               "room; the CCS does not justify the lower background."),
            "F.4": ("na", ""),
        },
        "na": {"A.4": "Allogeneic MSC product, not genetically modified; the site does no viral vector work.",
               "F.4": "The product will be made at the Noáin site only; no second site is planned."},
        "findings": [
            {"question": "D.4", "classification": "major", "fmea": (4, 2, 3),
             "description": "The final-bag fill is an open manipulation in a grade A cabinet placed in a grade C "
                            "room; the contamination control strategy does not justify the lower background.",
             "requirement": "EU GMP Annex 1 (2022) 8.131 and Part IV 9.5.1: open manipulations in grade A with a "
                            "grade B background."},
        ],
    },
    {
        "key": "cellforcure-followup",
        "vendor": "CellforCure", "kind": Assessment.Kind.FOR_CAUSE, "mode": Assessment.Mode.ON_SITE,
        "ago": -42, "days": 2, "stage": "planned",
        "scope": "Follow-up audit after CAPA: completed investigations of the grade A excursions and the revised "
                 "aseptic process simulation with the maximum number of operators.",
    },
    {
        "key": "catapult",
        "vendor": "Cell and Gene Therapy Catapult", "kind": Assessment.Kind.INITIAL,
        "mode": Assessment.Mode.QUESTIONNAIRE, "ago": -63, "days": 1, "stage": "planned",
        "scope": "Initial qualification by questionnaire, then on-site, for phase I manufacture of an "
                 "autologous CAR-T product in a leased manufacturing module.",
    },
]


class Command(BaseCommand):
    help = ("Add demo assessments in each state (planned, in progress, returned, submitted, approved with "
            "findings) so that the product shows data. Does nothing if they exist.")

    def handle(self, *args, **options):
        existing = Assessment.objects.filter(scope__startswith=DEMO_MARK).count()
        if existing:
            self.stdout.write(f"Demo data: {existing} demo assessments already exist; nothing to do.")
            return
        real = Assessment.objects.exclude(scope__startswith=DEMO_MARK).count()
        if real:
            # Fictitious audits would change real vendors' qualification status: never mix them.
            self.stdout.write(f"Demo data: not added, the database already holds {real} assessments of its own.")
            return
        self.users = self._users()
        self.checklist = Checklist.objects.filter(code=CHECKLIST[0], version=CHECKLIST[1]).first()
        if self.checklist is None:
            raise CommandError("Checklist CGT-CDMO v1 is missing: run `manage.py load_reference_data` first.")
        self.questions = {q.code: q for q in Question.objects.filter(checklist=self.checklist)
                          .select_related("criterion")}
        self.password = demo_password()
        self.today = timezone.localdate()
        self.created = {}
        # Each step runs as its user (inner acting blocks); what runs on commit, the final reports
        # the approvals queue, is recorded as the demo-data command.
        with acting(label=LABEL), transaction.atomic():
            sites = self._sites()
            for spec in ASSESSMENTS:
                self.created[spec["key"]] = self._assessment(spec, sites)
        self._summary()

    # --- set-up ---------------------------------------------------------------------------
    def _users(self):
        users = {u.username: u for u in User.objects.filter(username__in=["admin", "lead", "auditor", "reviewer"])}
        missing = {"admin", "lead", "auditor", "reviewer"} - set(users)
        if missing:
            raise CommandError(f"Demo users missing ({', '.join(sorted(missing))}): "
                               "run `manage.py demo_accounts` first.")
        return users

    def _vendor(self, name):
        try:
            return Vendor.objects.get(name=name)
        except Vendor.DoesNotExist:
            raise CommandError(f"Vendor {name!r} is missing: run `manage.py load_reference_data` first.") from None

    def _sites(self):
        """A site with cleanroom grades and a GMP certificate for each vendor used, as the admin."""
        sites = {}
        with acting(user=self.users["admin"], label=LABEL):
            for vendor_name, (name, city, country, grades, area, kind, number, issuer) in SITES.items():
                vendor = self._vendor(vendor_name)
                site, created = Site.objects.get_or_create(vendor=vendor, name=name, defaults={
                    "city": city, "country": country, "floor_area_sq_ft": area, "notes": NOTE,
                    **{f"grade_{g.lower()}": g in grades for g in "ABCD"}})
                if created:
                    GMPCertificate.objects.create(
                        site=site, kind=kind, number=number, issued_by=issuer, covers_atmp=True,
                        issued_on=self.today - _days(400), expires_on=self.today + _days(695))
                sites[vendor_name] = site
        return sites

    # --- one assessment -------------------------------------------------------------------
    def _assessment(self, spec, sites):
        lead, auditor, reviewer = self.users["lead"], self.users["auditor"], self.users["reviewer"]
        start = self.today - _days(spec["ago"])
        end = start + _days(spec["days"] - 1)
        performed = spec["stage"] != "planned"
        finished = spec["stage"] in ("submitted", "returned", "approved")
        with acting(user=lead, label=LABEL):
            assessment = Assessment.objects.create(
                vendor=self._vendor(spec["vendor"]), site=sites.get(spec["vendor"]), checklist=self.checklist,
                kind=spec["kind"], mode=spec["mode"], scope=f"{DEMO_MARK} {spec['scope']}",
                planned_start=start, planned_end=end,
                performed_start=start if performed else None,
                performed_end=end if finished else None,
                lead_auditor=lead, reviewer=reviewer, created_by=lead,
            )
            assessment.audit_team.set([auditor])
            if spec.get("based_on"):
                answer_service.carry_over(assessment, self.created[spec["based_on"]], lead)
            evaluation.refresh(assessment)
        if not performed:
            return assessment

        items = self._answer_items(spec)
        for user in (lead, auditor):
            mine = [i for i in items if (i["question"].split(".")[0] in AUDITOR_CRITERIA) == (user == auditor)]
            if mine:
                with acting(user=user, label=LABEL):
                    answer_service.save_answers(assessment, user, mine)

        follow_ups = []
        for f in spec.get("findings", []):
            question = self.questions[f["question"]]
            author = auditor if question.criterion.code in AUDITOR_CRITERIA else lead
            severity, occurrence, detectability = f.get("fmea", (None, None, None))
            with acting(user=author, label=LABEL):
                finding = finding_service.raise_finding(
                    assessment, author, question=question, classification=f["classification"],
                    description=f["description"], requirement=f.get("requirement", ""),
                    fmea_severity=severity, fmea_occurrence=occurrence, fmea_detectability=detectability)
            if f.get("action"):
                a = f["action"]
                with acting(user=lead, label=LABEL):
                    action = finding_service.plan_action(
                        finding, lead, description=a["description"], owner=a["owner"], due_date=end + _days(a["due"]))
                if f.get("follow_up"):
                    follow_ups.append((action, f["follow_up"]))

        stage = spec["stage"]
        assessment.refresh_from_db()  # the first answer started it (planned -> in progress)
        if finished:
            with acting(user=lead, label=LABEL):
                workflow.submit(assessment, lead)
                if stage != "returned":  # the lead signs once the rework is done
                    self._sign(assessment, lead, signatures.Meaning.PERFORMED)
        if stage == "returned":
            with acting(user=reviewer, label=LABEL):
                workflow.return_for_rework(assessment, reviewer, spec["return_reason"])
        if stage == "approved":
            with acting(user=reviewer, label=LABEL):
                self._sign(assessment, reviewer, signatures.Meaning.APPROVED)
            # The vendor's answers to the corrective actions arrive after the approval.
            with acting(user=lead, label=LABEL):
                for action, fields in follow_ups:
                    action = CorrectiveAction.objects.select_related("finding__assessment").get(pk=action.pk)
                    finding_service.update_action(action, lead, **fields)
        assessment.refresh_from_db()
        return assessment

    def _answer_items(self, spec):
        """The answer items of this assessment: the baseline with its own answers, comments and N/A."""
        own = spec.get("answers", {})
        na = spec.get("na", {})
        only = spec.get("only")
        items = []
        for code, question in sorted(self.questions.items(), key=lambda kv: (kv[1].criterion.order, kv[1].order)):
            if only and not any(code == o or code.split(".")[0] == o for o in only):
                continue
            value, comment = own.get(code, (BASELINE[code], ""))
            item = {"question": code, "value": value}
            if comment:  # otherwise a carried-over comment is kept as it was
                item["comment"] = comment
            if value == "na":
                item["na_justification"] = na[code]
            items.append(item)
        return items

    def _sign(self, assessment, user, meaning):
        request = RequestFactory().post("/")
        request.user = user
        try:
            return signatures.sign(assessment, user, meaning, self.password, request=request)
        except exceptions.SignatureRefused as exc:
            # Everything is rolled back, including the failed attempt's lock-out count.
            raise CommandError(f"{user.username} could not sign {assessment.reference}: {exc} Run "
                               "`manage.py demo_accounts` again (it resets the demo passwords).") from exc

    # --- report ---------------------------------------------------------------------------
    def _summary(self):
        assessments = list(self.created.values())
        by_status = {}
        for a in assessments:
            by_status[a.get_status_display().lower()] = by_status.get(a.get_status_display().lower(), 0) + 1
        counts = ", ".join(f"{n} {label}" for label, n in by_status.items())
        self.stdout.write(f"Demo data: {len(assessments)} assessments on {self.checklist.code} "
                          f"v{self.checklist.version} ({counts}); fictitious records, scope marked {DEMO_MARK}.")
        for a in sorted(assessments, key=lambda a: a.pk):
            score = f"{a.overall_score}" if a.overall_score is not None else "-"
            extra = f", {a.get_decision_display().lower()}" if a.decision else ""
            self.stdout.write(f"  {a.reference} {a.vendor.name[:40]:<40} {a.get_status_display():<12} "
                              f"score {score:>5} {a.risk_rating or '-'}{extra}")
