from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Prefetch
from django.views.generic import DetailView, ListView
from rules.contrib.views import PermissionRequiredMixin

from checklists.models import Checklist, Criterion, Question


class ChecklistListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "checklists.view_checklist"
    template_name = "checklists/checklist_list.html"
    queryset = Checklist.objects.annotate(question_count=Count("questions"))


class ChecklistDetailView(LoginRequiredMixin, PermissionRequiredMixin, DetailView):
    """The checklist as auditors read and print it: criteria, questions, guidance, references."""

    permission_required = "checklists.view_checklist"
    template_name = "checklists/checklist_detail.html"
    queryset = Checklist.objects.prefetch_related(
        Prefetch(
            "criteria",
            queryset=Criterion.objects.prefetch_related(
                Prefetch("questions", queryset=Question.objects.order_by("order", "code"))
            ),
        )
    )
