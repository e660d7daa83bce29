"""The filters of the steering pages, all in the URL (shareable, bookmarkable)."""

import calendar
import datetime

from django import forms
from django.utils import timezone

from itou.companies.enums import CompanyKind
from itou.jobs.models import RomeDomain
from itou.stats.figures import Filters
from itou.stats.models import SENDER_CATEGORIES

PERIODS = [("month", "Mois"), ("quarter", "Trimestre"), ("year", "Année"), ("custom", "Dates au choix")]
EARLIEST = datetime.date(2021, 1, 1)


def month_choices(today):
    choices, year, month = [], today.year, today.month
    for _ in range(36):
        choices.append((f"{year}-{month:02d}", datetime.date(year, month, 1).strftime("%m/%Y")))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return choices


class FastSelect(forms.Select):
    """A select rendered in one template (no include per option): same HTML as Django's."""

    template_name = "stats/widgets/select.html"


class StatsFilterForm(forms.Form):
    period = forms.ChoiceField(label="Période", choices=PERIODS, required=False)
    month = forms.ChoiceField(label="Mois", required=False)
    quarter = forms.ChoiceField(label="Trimestre", required=False)
    year = forms.ChoiceField(label="Année", required=False)
    start = forms.DateField(
        label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Format : jj/mm/aaaa"
    )
    end = forms.DateField(
        label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Format : jj/mm/aaaa"
    )
    company_kind = forms.ChoiceField(
        label="Type d'employeur", required=False, choices=[("", "Tous")] + list(CompanyKind.choices)
    )
    sender = forms.ChoiceField(
        label="Origine de la candidature", required=False, choices=[("", "Toutes")] + list(SENDER_CATEGORIES.items())
    )
    rome_domain = forms.ChoiceField(label="Grand domaine ROME (embauches)", required=False)
    department = forms.ChoiceField(label="Département", required=False)

    def __init__(self, data, *, departments, territory=True, today=None):
        self.today = today or timezone.localdate()
        super().__init__(data)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                field.widget.template_name = FastSelect.template_name
        self.fields["month"].choices = month_choices(self.today)
        self.fields["quarter"].choices = [
            (f"{y}-T{q}", f"{q}e trimestre {y}")
            for y in range(self.today.year, EARLIEST.year - 1, -1)
            for q in (4, 3, 2, 1)
            if datetime.date(y, 3 * q - 2, 1) <= self.today
        ]
        self.fields["year"].choices = [(str(y), str(y)) for y in range(self.today.year, EARLIEST.year - 1, -1)]
        self.fields["rome_domain"].choices = [("", "Tous")] + [
            (d.code, f"{d.code} — {d.name}") for d in RomeDomain.objects.order_by("code")
        ]
        self.fields["department"].choices = [("", "Tout le périmètre")] + [
            (d.code, f"{d.code} — {d.name}") for d in departments
        ]
        if len(departments) <= 1:
            del self.fields["department"]
        if not territory:
            for name in ("company_kind", "rome_domain"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if data.get("period") == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError("Indiquez les deux dates de la période choisie.")
            if start > end:
                raise forms.ValidationError("La date de début doit précéder la date de fin.")
            if start < EARLIEST or end > self.today + datetime.timedelta(days=366):
                raise forms.ValidationError("Choisissez des dates entre 2021 et aujourd'hui.")
        return data

    def filters(self) -> Filters:
        """The filters asked for, or the defaults (the current year) when the form is invalid."""
        data = self.cleaned_data if self.is_valid() else {}
        start, end = self.period_bounds(data)
        return Filters(
            start=start,
            end=end,
            company_kind=data.get("company_kind", ""),
            sender_category=data.get("sender", ""),
            rome_domain=data.get("rome_domain", ""),
            department=data.get("department", ""),
        )

    def period_bounds(self, data):
        period = data.get("period") or "year"
        if period == "month" and data.get("month"):
            year, month = map(int, data["month"].split("-"))
            return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])
        if period == "quarter" and data.get("quarter"):
            year, quarter = data["quarter"].split("-T")
            year, quarter = int(year), int(quarter)
            last = 3 * quarter
            return datetime.date(year, last - 2, 1), datetime.date(year, last, calendar.monthrange(year, last)[1])
        if period == "custom" and data.get("start") and data.get("end"):
            return data["start"], data["end"]
        year = int(data.get("year") or self.today.year)
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
