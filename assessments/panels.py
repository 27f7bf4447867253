"""Sections that apps above `assessments` add to its pages (like vendors/panels.py for the
vendor page): under each corrective action of the findings tab, and at the top of the workspace.

The portal registers one under the actions that shows the vendor's responses and the lead's
accept and reject buttons, and one in the workspace for the questionnaire. An action panel is a
function of the request, the assessment and its corrective actions that returns {action id:
HTML}, so that it reads what it needs for all the actions at once."""

from collections.abc import Callable, Iterable

from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

ActionPanel = Callable[[HttpRequest, object, list], dict[int, SafeString | str]]
_ACTION_PANELS: list[ActionPanel] = []
#: Sections at the top of the workspace: a function of the request and the assessment that
#: returns HTML or "" (the portal's questionnaire panel: send it, or where it stands).
AssessmentPanel = Callable[[HttpRequest, object], SafeString | str]
_ASSESSMENT_PANELS: list[AssessmentPanel] = []


def register_assessment_panel(panel: AssessmentPanel) -> AssessmentPanel:
    """Add a section of the workspace; usable as a decorator."""
    if panel not in _ASSESSMENT_PANELS:
        _ASSESSMENT_PANELS.append(panel)
    return panel


def render_assessment_panels(request: HttpRequest, assessment) -> SafeString:
    return format_html_join("", "{}", ((html,) for panel in _ASSESSMENT_PANELS if (html := panel(request, assessment))))


def register_action_panel(panel: ActionPanel) -> ActionPanel:
    """Add a panel of the corrective actions; usable as a decorator."""
    if panel not in _ACTION_PANELS:
        _ACTION_PANELS.append(panel)
    return panel


def render_action_panels(request: HttpRequest, assessment, actions: Iterable) -> dict[int, SafeString]:
    """{action id: the HTML of every panel for it}, in the order the panels were registered."""
    actions = list(actions)
    parts: dict[int, list] = {a.pk: [] for a in actions}
    for panel in _ACTION_PANELS:
        for pk, html in panel(request, assessment, actions).items():
            if pk in parts and html:
                parts[pk].append((html,))
    return {pk: format_html_join("", "{}", html) for pk, html in parts.items()}
