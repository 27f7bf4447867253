"""What every assessment page needs: the assessment the user may see, and errors as messages."""

from django.contrib import messages
from django.http import Http404
from django.utils.translation import gettext

from assessments.models import Assessment
from config.exceptions import InvalidInput


def visible_assessment(request, pk) -> Assessment:
    """The assessment if this user may see it; 404 otherwise, so that nothing leaks."""
    assessment = (
        Assessment.objects.visible_to(request.user)
        .select_related("vendor", "checklist", "lead_auditor", "reviewer", "site")
        .prefetch_related("audit_team")
        .filter(pk=pk)
        .first()
    )
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


def report_error(request, exc):
    if isinstance(exc, InvalidInput):
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
    else:
        messages.error(request, str(exc))


#: More problems than this are not repeated as messages: the assessment's page lists them, with
#: links, in its panel of what blocks submission.
MESSAGES_AT_MOST = 3


def report_refusal(request, exc) -> None:
    """A refused step as one error, and a warning per problem it lists when there are few."""
    if len(exc.problems) > MESSAGES_AT_MOST:
        messages.error(
            request,
            f"{exc.message} "
            + gettext("%(count)s things are missing; each is listed below, with a link to its place in the record.")
            % {"count": len(exc.problems)},
        )
        return
    messages.error(request, exc.message)
    for problem in exc.problems:
        messages.warning(request, problem)
