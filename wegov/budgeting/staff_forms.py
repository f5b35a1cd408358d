"""The managers' forms: a budget, and running a tally. (Citizens' and
evaluators' forms are in ``forms``.)"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wegov.places.models import District
from wegov.processes.models import Process

from .models import BallotType, Budget, TallyRule
from .services import BudgetInput

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class BudgetForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    slug = forms.SlugField(
        label=_("Short name in the address"),
        max_length=80,
        help_text=_("Lower-case letters, digits and hyphens, for example park-budget-2026."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the budget is for and how the vote works. Blank lines start paragraphs."),
    )
    process = forms.ModelChoiceField(
        label=_("Process"),
        queryset=Process.objects.order_by("title"),
        required=False,
        empty_label=_("No process (a standalone budget)"),
        help_text=_("Citizens submit projects while the process is in its proposals phase."),
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.order_by("name"),
        required=False,
        empty_label=_("The whole city"),
    )
    amount = forms.IntegerField(label=_("Amount to distribute"), min_value=1)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    ballot_type = forms.ChoiceField(
        label=_("Ballot type"), choices=BallotType.choices, widget=forms.RadioSelect
    )
    min_choices = forms.IntegerField(
        label=_("Fewest projects a ballot must choose"), min_value=0, initial=1
    )
    max_choices = forms.IntegerField(
        label=_("Most projects a ballot may choose"),
        min_value=1,
        required=False,
        help_text=_("Leave empty for no limit."),
    )
    points_total = forms.IntegerField(
        label=_("Points each voter distributes"),
        min_value=1,
        required=False,
        help_text=_("Cumulative ballots only."),
    )
    rule = forms.ChoiceField(
        label=_("How the ballots are counted"),
        choices=TallyRule.choices,
        widget=forms.RadioSelect,
        initial=TallyRule.MES,
    )
    voting_opens_at = forms.DateTimeField(
        label=_("Voting opens"), required=False, widget=DATETIME_WIDGET
    )
    voting_closes_at = forms.DateTimeField(
        label=_("Voting closes"), required=False, widget=DATETIME_WIDGET
    )
    is_published = forms.BooleanField(
        label=_("Published: everyone can see the budget and its projects"), required=False
    )

    @classmethod
    def initial_for(cls, budget: Budget) -> dict:
        return {name: getattr(budget, name) for name in cls.base_fields}

    def clean_currency(self) -> str:
        return (self.cleaned_data.get("currency") or "").strip().upper()

    def to_input(self) -> BudgetInput:
        return BudgetInput(**self.cleaned_data)


class TallyForm(forms.Form):
    rule = forms.ChoiceField(label=_("Rule"), choices=TallyRule.choices, widget=forms.RadioSelect)
