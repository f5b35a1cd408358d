"""Forms of the participation pages: submitting a project, evaluating it, and
the ballot. They parse and give early messages; ``participation`` checks
everything again."""

from __future__ import annotations

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from wegov.core.forms import latitude_field, longitude_field
from wegov.processes.models import Topic

from . import participation
from .models import BallotType, Budget, BudgetProject

COST_ATTRS = {"inputmode": "numeric", "class": "govuk-input--width-10"}


class TopicField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ProjectForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=participation.TITLE_MAX,
        help_text=_(
            "Say what should be built or done in one line, for example: Benches in Park Lane."
        ),
        error_messages={
            "required": _("Give your project a title."),
            "max_length": _("The title can be at most %(limit_value)d characters."),
        },
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=participation.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What, where, and who would benefit? Plain text; HTML is not allowed."),
        error_messages={
            "required": _("Describe your project."),
            "max_length": _("The description can be at most %(limit_value)d characters."),
        },
    )
    estimated_cost = forms.IntegerField(
        label=_("Estimated cost"),
        min_value=1,
        widget=forms.TextInput(attrs=COST_ATTRS),
        error_messages={
            "required": _("Enter what you think the project will cost."),
            "invalid": _("Enter the cost as a whole number, like 25000."),
            "min_value": _("The cost must be more than 0."),
        },
    )
    topic = TopicField(
        label=_("Category (optional)"),
        queryset=Topic.objects.order_by("name"),
        required=False,
        empty_label=_("No category"),
        error_messages={"invalid_choice": _("Choose one of the listed categories.")},
    )
    lat = latitude_field()
    lon = longitude_field()

    def __init__(self, *args, budget: Budget, **kwargs):
        super().__init__(*args, **kwargs)
        self.budget = budget
        self.fields["estimated_cost"].max_value = budget.amount
        self.fields["estimated_cost"].help_text = _(
            "In whole %(currency)s, at most the whole budget of %(amount)s."
        ) % {"currency": budget.currency, "amount": f"{budget.amount:,} {budget.currency}"}
        self.fields["estimated_cost"].error_messages["max_value"] = _(
            "The cost can be at most the whole budget, %(amount)s."
        ) % {"amount": f"{budget.amount:,} {budget.currency}"}

    def clean(self):
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None) and "lat" not in self.errors:
            self.add_error("lat", _("Give both latitude and longitude, or neither."))
        return data

    def data_for_service(self) -> participation.ProjectData:
        data = self.cleaned_data
        return participation.ProjectData(
            title=data["title"],
            description=data["description"],
            estimated_cost=data["estimated_cost"],
            topic=data.get("topic"),
            lat=data.get("lat"),
            lon=data.get("lon"),
        )


class EvaluationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Is the project feasible?"),
        choices=[
            ("feasible", _("Feasible: put it on the ballot")),
            ("unfeasible", _("Not feasible")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the project is feasible.")},
    )
    final_cost = forms.IntegerField(
        label=_("Corrected cost (optional)"),
        required=False,
        min_value=1,
        widget=forms.TextInput(attrs=COST_ATTRS),
        help_text=_("Leave empty to keep the author’s estimate."),
        error_messages={
            "invalid": _("Enter the cost as a whole number, like 25000."),
            "min_value": _("The cost must be more than 0."),
        },
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=participation.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed when the project is not feasible: the author and the public read it."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "unfeasible" and not (data.get("reason") or "").strip():
            self.add_error(
                "reason", _("Say why the project is not feasible: the author will read it.")
            )
        return data


class BallotForm(forms.Form):
    """The ballot for one budget, built from its ballot type and its projects.

    approval, knapsack   one checkbox per project (field ``projects``)
    cumulative           a number of points per project (``points_<id>``)
    ranked               a rank select per project (``rank_<id>``)

    ``summary`` (after ``is_valid``) holds the running totals and the errors
    from ``participation.ballot_summary``.
    """

    def __init__(
        self,
        *args,
        budget: Budget,
        projects: list[BudgetProject],
        selection: dict[int, int] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.budget = budget
        self.projects = projects
        self.kind = budget.ballot_type
        self.summary = None
        selection = selection or {}
        if self.kind in (BallotType.APPROVAL, BallotType.KNAPSACK):
            self.fields["projects"] = forms.TypedMultipleChoiceField(
                label=_("Projects"),
                choices=[(str(p.pk), p.title) for p in projects],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=[str(pk) for pk in selection],
                error_messages={"invalid_choice": _("Choose projects from this ballot.")},
            )
        elif self.kind == BallotType.CUMULATIVE:
            for project in projects:
                self.fields[f"points_{project.pk}"] = forms.IntegerField(
                    label=project.title,
                    required=False,
                    min_value=0,
                    max_value=budget.points_total,
                    initial=selection.get(project.pk, 0),
                    widget=forms.NumberInput(
                        attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}
                    ),
                    error_messages={
                        "invalid": _("Enter whole points, like 3."),
                        "min_value": _("Points cannot be negative."),
                        "max_value": _("You have %(limit_value)s points in all."),
                    },
                )
        else:
            top = len(projects)
            if budget.max_choices is not None:
                top = min(top, budget.max_choices)
            choices = [("", _("Not ranked"))] + [(str(r), str(r)) for r in range(1, top + 1)]
            for project in projects:
                self.fields[f"rank_{project.pk}"] = forms.TypedChoiceField(
                    label=project.title,
                    choices=choices,
                    coerce=int,
                    empty_value=0,
                    required=False,
                    initial=str(selection[project.pk]) if project.pk in selection else "",
                    error_messages={"invalid_choice": _("Choose a rank from the list.")},
                )

    def selection(self) -> dict[int, int]:
        data = self.cleaned_data
        if self.kind in (BallotType.APPROVAL, BallotType.KNAPSACK):
            return dict.fromkeys(data.get("projects") or [], 1)
        prefix = "points_" if self.kind == BallotType.CUMULATIVE else "rank_"
        selection = {}
        for project in self.projects:
            value = data.get(f"{prefix}{project.pk}")
            if value:
                selection[project.pk] = value
        return selection

    def clean(self):
        data = super().clean()
        # The totals count the inputs that parsed; the ballot's own errors only
        # matter once every input is readable.
        self.summary = participation.ballot_summary(
            self.budget, self.selection(), projects=self.projects
        )
        if not self.errors:
            for message in self.summary.errors:
                self.add_error(None, message)
        return data

    def _value(self, name):
        value = self[name].value()
        return "" if value is None else value

    def rows(self) -> list[dict]:
        """One row per project for the template: the project, its input's name
        and id, the value to show and the errors of that input."""
        rows = []
        if self.kind in (BallotType.APPROVAL, BallotType.KNAPSACK):
            chosen = {str(v) for v in (self._value("projects") or [])}
            for project in self.projects:
                rows.append(
                    {
                        "project": project,
                        "name": "projects",
                        "id": f"project-{project.pk}",
                        "value": str(project.pk),
                        "checked": str(project.pk) in chosen,
                        "errors": [],
                    }
                )
            return rows
        prefix = "points_" if self.kind == BallotType.CUMULATIVE else "rank_"
        for project in self.projects:
            name = f"{prefix}{project.pk}"
            rows.append(
                {
                    "project": project,
                    "name": name,
                    "id": f"id_{name}",
                    "value": str(self._value(name)),
                    "errors": self.errors.get(name, []),
                }
            )
        return rows

    def rank_choices(self) -> list[tuple[str, str]]:
        field = next(iter(self.fields.values()), None)
        return list(field.choices) if field is not None and self.kind == BallotType.RANKED else []


# --- The ballot's running total ----------------------------------------------------------
# One sentence per ballot type, with {placeholders} that the page fills in on
# the server and ballot.js fills in live (from the same translated text).

TOTAL_TEXTS = {
    BallotType.APPROVAL: (_("Projects chosen: {count}."), ""),
    BallotType.KNAPSACK: (
        _("Chosen: {cost} of {amount}. Left: {left}."),
        _("Chosen: {cost} of {amount}. That is {over} over the budget: leave some projects out."),
    ),
    BallotType.CUMULATIVE: (
        _("Points given: {points} of {total}. Left: {left}."),
        _("Points given: {points} of {total}. That is {over} too many."),
    ),
    BallotType.RANKED: (_("Projects ranked: {count}."), ""),
}


def group_digits(value: int) -> str:
    return number_format(value, force_grouping=True)


def total_texts(budget: Budget) -> tuple[str, str]:
    ok, over = TOTAL_TEXTS[budget.ballot_type]
    return str(ok), str(over)


def total_text(summary: participation.BallotSummary) -> str:
    budget = summary.budget
    ok, over = total_texts(budget)
    currency = budget.currency
    if budget.ballot_type == BallotType.KNAPSACK:
        is_over = summary.cost > budget.amount
        values = {
            "cost": f"{group_digits(summary.cost)} {currency}",
            "amount": f"{group_digits(budget.amount)} {currency}",
            "left": f"{group_digits(max(summary.cost_left, 0))} {currency}",
            "over": f"{group_digits(max(-summary.cost_left, 0))} {currency}",
        }
    elif budget.ballot_type == BallotType.CUMULATIVE:
        is_over = summary.points_left < 0
        values = {
            "points": str(summary.points),
            "total": str(budget.points_total or 0),
            "left": str(max(summary.points_left, 0)),
            "over": str(max(-summary.points_left, 0)),
        }
    else:
        is_over = False
        values = {"count": str(summary.count)}
    text = over if is_over else ok
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def limits_text(budget: Budget) -> str:
    """What the ballot asks for, in one sentence."""
    low, high = max(budget.min_choices or 0, 1), budget.max_choices
    if high is not None and low == high:
        return _("Projects to choose: exactly %(count)s.") % {"count": low}
    if high is not None:
        return _("Projects to choose: at least %(low)s, at most %(high)s.") % {
            "low": low,
            "high": high,
        }
    return _("Projects to choose: at least %(low)s.") % {"low": low}
