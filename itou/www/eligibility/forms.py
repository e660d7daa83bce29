"""The criteria form of the diagnosis screens: it parses the ticked criteria and applies
the rules of itou.eligibility.rules (the service applies them again)."""

from django import forms
from django.utils import timezone

from itou.eligibility import rules
from itou.eligibility.enums import AdministrativeCriteriaLevel, AuthorKind
from itou.eligibility.models import AdministrativeCriteria, GEIQAdministrativeCriteria

LEVEL_TITLES = {
    AdministrativeCriteriaLevel.LEVEL_1: "Critères de niveau 1",
    AdministrativeCriteriaLevel.LEVEL_2: "Critères de niveau 2",
    "": "Autres critères",
}


class CriteriaForm(forms.Form):
    """IAE criteria (`geiq=False`) or GEIQ criteria, grouped by level for the template
    (`groups`), each with the written proof to keep."""

    administrative_criteria = forms.ModelMultipleChoiceField(
        queryset=AdministrativeCriteria.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Critères administratifs",
    )

    def __init__(
        self, *args, author_kind: str, company_kind: str | None = None, geiq: bool = False, profile=None, **kwargs
    ):
        self.author_kind = author_kind
        self.company_kind = company_kind
        self.geiq = geiq
        model = GEIQAdministrativeCriteria if geiq else AdministrativeCriteria
        self.criteria = list(model.objects.order_by("level", "ui_rank", "pk"))
        if not args or args[0] is None:
            kinds = rules.criteria_kinds_from_profile(profile, today=timezone.localdate())
            kwargs.setdefault("initial", {})["administrative_criteria"] = [
                c.pk for c in self.criteria if c.kind in kinds
            ]
            self.prefilled_kinds = kinds
        else:
            self.prefilled_kinds = set()
        super().__init__(*args, **kwargs)
        self.fields["administrative_criteria"].queryset = model.objects.all()

    def clean(self):
        cleaned = super().clean()
        criteria = list(cleaned.get("administrative_criteria") or [])
        if self.geiq:
            errors = rules.validate_geiq_criteria(author_kind=self.author_kind, criteria=criteria)
        else:
            errors = rules.validate_criteria(
                author_kind=self.author_kind, company_kind=self.company_kind, criteria=criteria
            )
        for error in errors:
            self.add_error("administrative_criteria", error)
        # What is wrong, criterion by criterion: the pairs that do not go together.
        by_kind = {criterion.kind: criterion for criterion in criteria}
        self.conflicts = {}
        for a, b in rules.EXCLUSIVE_CRITERIA_PAIRS:
            if a in by_kind and b in by_kind:
                self.conflicts[a] = by_kind[b].name
                self.conflicts[b] = by_kind[a].name
        return cleaned

    def _checked_ids(self) -> set[int]:
        if self.is_bound:
            return {
                int(value) for value in self.data.getlist(self.add_prefix("administrative_criteria")) if value.isdigit()
            }
        return set(self.initial.get("administrative_criteria", []))

    def groups(self) -> list[dict]:
        """[{title, criteria: [{criterion, checked, id, prefilled}]}] in display order."""
        checked = self._checked_ids()
        groups: dict[str, dict] = {}
        for criterion in self.criteria:
            level = criterion.level or ""
            group = groups.setdefault(level, {"title": LEVEL_TITLES[level], "criteria": []})
            group["criteria"].append(
                {
                    "criterion": criterion,
                    "checked": criterion.pk in checked,
                    "id": f"critere-{criterion.pk}",
                    "prefilled": criterion.kind in self.prefilled_kinds,
                    # Marked as wrong only when it conflicts with another ticked criterion.
                    "conflicts_with": getattr(self, "conflicts", {}).get(criterion.kind, ""),
                }
            )
        order = [AdministrativeCriteriaLevel.LEVEL_1, AdministrativeCriteriaLevel.LEVEL_2, ""]
        return [groups[level] for level in order if level in groups]

    @property
    def rule_text(self) -> str:
        """The rule, said before the criteria."""
        if self.author_kind == AuthorKind.PRESCRIBER:
            return (
                "En tant que prescripteur habilité, cochez les critères que vous avez constatés : aucun minimum "
                "n'est exigé. Votre diagnostic vaut pour toutes les structures."
            )
        if self.geiq:
            return f"Cochez au moins {rules.GEIQ_MIN_CRITERIA_BY_GEIQ} critère que le candidat remplit."
        minimum = rules.MIN_LEVEL_2_CRITERIA_BY_COMPANY_KIND.get(self.company_kind)
        return (
            f"Cochez au moins {rules.MIN_LEVEL_1_CRITERIA} critère de niveau 1, ou sinon au moins {minimum} critères "
            "de niveau 2. « Senior » et « Jeune » ne se cumulent pas, ni « DETLD » et « DELD »."
        )
