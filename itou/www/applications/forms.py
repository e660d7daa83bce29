"""Forms of the applications screens: they parse input; the rules live in the services."""

import datetime
import uuid

from django import forms
from django.utils import timezone

from itou.companies.enums import CompanyKind
from itou.companies.models import Company
from itou.job_applications.enums import JobApplicationState, PriorActionKind, RefusalReason, SenderKind
from itou.job_applications.models import MAX_HIRING_START_POSTPONEMENT_DAYS
from itou.job_applications.queries import filter_by_job_seeker_name
from itou.job_applications.services import NOT_A_COMPANY_JOB_DESCRIPTION
from itou.job_applications.workflow import MACHINE

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ActionForm(forms.Form):
    """Every action form carries the state the page showed: a stale page or a double click
    is then detected by the service (TransitionNotAllowed)."""

    expected_state = forms.ChoiceField(choices=JobApplicationState.choices, widget=forms.HiddenInput)

    def __init__(self, *args, job_application, user, **kwargs):
        self.job_application = job_application
        self.user = user
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("expected_state", job_application.state)
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict:
        return {"expected_state": self.cleaned_data["expected_state"]}


class NoStateForm(forms.Form):
    """Actions that do not change the state (archive, dates): nothing to compare."""

    def __init__(self, *args, job_application, user, **kwargs):
        self.job_application = job_application
        self.user = user
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict:
        return {}


class PostponeForm(ActionForm):
    comment = forms.CharField(
        label="Message au candidat et au prescripteur",
        help_text="Expliquez pourquoi vous ne pouvez pas répondre tout de suite et quand vous reviendrez vers eux.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
    )

    def service_kwargs(self):
        return {**super().service_kwargs(), "comment": self.cleaned_data["comment"]}


class PriorActionForm(ActionForm):
    prior_action_kind = forms.ChoiceField(
        label="Action préalable à l'embauche", choices=PriorActionKind.choices, widget=forms.RadioSelect
    )

    def service_kwargs(self):
        return {**super().service_kwargs(), "prior_action_kind": self.cleaned_data["prior_action_kind"]}


def set_start_date_bounds(field) -> None:
    """Say (and let the browser check) the dates allowed by the services' rule."""
    today = timezone.localdate()
    earliest = today
    latest = today + datetime.timedelta(days=MAX_HIRING_START_POSTPONEMENT_DAYS)
    field.widget.attrs.update({"min": earliest.isoformat(), "max": latest.isoformat()})
    field.help_text = f"Entre le {earliest:%d/%m/%Y} et le {latest:%d/%m/%Y}."


class HiringDatesMixin(forms.Form):
    hiring_start_at = forms.DateField(
        label="Date de début du contrat",
        widget=DATE_INPUT,
        error_messages={"required": "Indiquez la date de début du contrat."},
    )
    hiring_end_at = forms.DateField(
        label="Date de fin du contrat (facultatif)",
        widget=DATE_INPUT,
        required=False,
        help_text="Laissez vide pour un contrat sans date de fin connue.",
    )


class AcceptForm(HiringDatesMixin, ActionForm):
    answer = forms.CharField(
        label="Message au candidat (facultatif)",
        help_text="Par exemple : l'adresse et l'heure du premier jour, les documents à apporter.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=3000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_start_date_bounds(self.fields["hiring_start_at"])

    def service_kwargs(self):
        return {
            **super().service_kwargs(),
            "hiring_start_at": self.cleaned_data["hiring_start_at"],
            "hiring_end_at": self.cleaned_data["hiring_end_at"],
            "answer": self.cleaned_data["answer"],
        }


class UpdateHiringStartForm(HiringDatesMixin, NoStateForm):
    def __init__(self, *args, job_application, user, **kwargs):
        kwargs.setdefault(
            "initial",
            {"hiring_start_at": job_application.hiring_start_at, "hiring_end_at": job_application.hiring_end_at},
        )
        super().__init__(*args, job_application=job_application, user=user, **kwargs)
        set_start_date_bounds(self.fields["hiring_start_at"])

    def service_kwargs(self):
        return {
            "hiring_start_at": self.cleaned_data["hiring_start_at"],
            "hiring_end_at": self.cleaned_data["hiring_end_at"],
        }


class RefuseForm(ActionForm):
    refusal_reason = forms.ChoiceField(
        label="Motif du refus",
        choices=[("", "Choisissez un motif"), *RefusalReason.employer_choices()],
        error_messages={"required": "Choisissez le motif du refus."},
    )
    share_reason_with_job_seeker = forms.BooleanField(
        label="Communiquer le motif au candidat",
        help_text="Sinon, seuls vous et le prescripteur le verrez.",
        required=False,
    )
    answer = forms.CharField(
        label="Message au candidat (facultatif)",
        help_text="Le prescripteur le lit aussi.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=3000,
    )
    answer_to_prescriber = forms.CharField(
        label="Message au prescripteur seulement (facultatif)",
        help_text="Le candidat ne le voit pas.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=3000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.job_application.sender_kind != SenderKind.PRESCRIBER:
            del self.fields["answer_to_prescriber"]
            self.fields["answer"].help_text = ""

    def service_kwargs(self):
        return {
            **super().service_kwargs(),
            "refusal_reason": self.cleaned_data["refusal_reason"],
            "share_reason_with_job_seeker": self.cleaned_data["share_reason_with_job_seeker"],
            "answer": self.cleaned_data["answer"],
            "answer_to_prescriber": self.cleaned_data.get("answer_to_prescriber", ""),
        }


def transfer_targets(user, job_application):
    """The other employers that recruit where the user is an active member."""
    return (
        Company.objects.for_member(user)
        .active()
        .exclude(pk=job_application.to_company_id)
        .exclude(kind=CompanyKind.OPCS)
    )


class TransferForm(ActionForm):
    to_company = forms.ModelChoiceField(
        label="Structure qui recevra la candidature",
        queryset=Company.objects.none(),
        empty_label="Choisissez une structure",
        error_messages={"required": "Choisissez la structure.", "invalid_choice": "Choisissez une de vos structures."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_company"].queryset = transfer_targets(self.user, self.job_application)
        self.fields["to_company"].label_from_instance = lambda company: (
            f"{company.display_name} ({company.kind}{f', {company.commune.name}' if company.commune else ''})"
        )

    def service_kwargs(self):
        return {**super().service_kwargs(), "to_company": self.cleaned_data["to_company"]}


class CommentForm(forms.Form):
    message = forms.CharField(
        label="Nouveau commentaire",
        help_text="Visible seulement par les membres de votre structure.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        error_messages={"required": "Écrivez votre commentaire."},
    )


# --- Lists ------------------------------------------------------------------------------


class SortChoices:
    NEWEST = "newest"
    OLDEST = "oldest"
    CHOICES = [(NEWEST, "Les plus récentes d'abord"), (OLDEST, "Les plus anciennes d'abord")]


class ListFilterForm(forms.Form):
    """GET filters shared by the lists; invalid values are ignored (the list stays usable)."""

    states = forms.MultipleChoiceField(
        label="État", choices=JobApplicationState.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    job_seeker = forms.CharField(label="Nom du candidat", required=False, max_length=100)
    start_date = forms.DateField(label="Envoyée à partir du", widget=DATE_INPUT, required=False)
    end_date = forms.DateField(label="Envoyée jusqu'au", widget=DATE_INPUT, required=False)
    processed_from = forms.DateField(label="Dernière décision à partir du", widget=DATE_INPUT, required=False)
    sort = forms.ChoiceField(label="Ordre", choices=SortChoices.CHOICES, required=False)

    def filter(self, queryset, *, skip_states: bool = False):
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("states") and not skip_states:
            queryset = queryset.filter(state__in=data["states"])
        if data.get("job_seeker"):
            queryset = filter_by_job_seeker_name(queryset, data["job_seeker"])
        if data.get("start_date"):
            queryset = queryset.filter(created_at__date__gte=data["start_date"])
        if data.get("end_date"):
            queryset = queryset.filter(created_at__date__lte=data["end_date"])
        if data.get("processed_from"):
            queryset = queryset.filter(processed_at__date__gte=data["processed_from"])
        return queryset

    def order(self, queryset):
        oldest = self.is_valid() and self.cleaned_data.get("sort") == SortChoices.OLDEST
        return queryset.order_by(*(("created_at", "pk") if oldest else ("-created_at", "-pk")))

    @property
    def is_filtered(self) -> bool:
        return self.is_valid() and any(
            self.cleaned_data.get(name) for name in ("states", "job_seeker", "start_date", "end_date", "processed_from")
        )


SPONTANEOUS = "spontanee"


class CompanyListFilterForm(ListFilterForm):
    sender_kinds = forms.MultipleChoiceField(
        label="Envoyée par", choices=SenderKind.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    job_description = forms.ChoiceField(label="Fiche de poste", required=False)
    hiring_from = forms.DateField(label="Contrat commençant à partir du", widget=DATE_INPUT, required=False)
    hiring_to = forms.DateField(label="Contrat commençant jusqu'au", widget=DATE_INPUT, required=False)

    field_order = [
        "states",
        "sender_kinds",
        "job_description",
        "job_seeker",
        "start_date",
        "end_date",
        "hiring_from",
        "hiring_to",
        "processed_from",
        "sort",
    ]

    def __init__(self, *args, job_descriptions, **kwargs):
        """`job_descriptions`: the employer's (id, display name) pairs, in display order."""
        super().__init__(*args, **kwargs)
        self.fields["job_description"].choices = [
            ("", "Toutes"),
            (SPONTANEOUS, "Candidatures spontanées"),
            *((str(pk), name) for pk, name in job_descriptions),
        ]

    def filter(self, queryset, *, skip_states: bool = False):
        queryset = super().filter(queryset, skip_states=skip_states)
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("sender_kinds"):
            queryset = queryset.filter(sender_kind__in=data["sender_kinds"])
        if data.get("job_description") == SPONTANEOUS:
            queryset = queryset.filter(selected_jobs__isnull=True)
        elif data.get("job_description"):
            queryset = queryset.filter(selected_jobs__pk=data["job_description"])
        if data.get("hiring_from"):
            queryset = queryset.filter(hiring_start_at__gte=data["hiring_from"])
        if data.get("hiring_to"):
            queryset = queryset.filter(hiring_start_at__lte=data["hiring_to"])
        return queryset

    @property
    def is_filtered(self) -> bool:
        return super().is_filtered or (
            self.is_valid()
            and any(
                self.cleaned_data.get(name) for name in ("sender_kinds", "job_description", "hiring_from", "hiring_to")
            )
        )


# --- Batch actions ----------------------------------------------------------------------


# The words of the batch actions' menu (what they do: itou/job_applications/workflow.py).
BATCH_LABELS = {
    "process": "Mettre à l'étude",
    "postpone": "Mettre en attente",
    "add_to_pool": "Ajouter au vivier",
    "refuse": "Décliner",
    "archive": "Archiver",
    "unarchive": "Désarchiver",
}


class BatchAction:
    PROCESS = "process"
    POSTPONE = "postpone"
    ADD_TO_POOL = "add_to_pool"
    REFUSE = "refuse"
    ARCHIVE = "archive"
    UNARCHIVE = "unarchive"
    # The batch actions are those of the state machine's table marked `batch`, in its order.
    CHOICES = [(t.name, BATCH_LABELS[t.name]) for t in MACHINE.transitions.values() if t.batch]
    # These need more input: a second page asks for it (and confirms a refusal).
    NEEDS_CONFIRMATION = {POSTPONE, REFUSE}


MAX_BATCH_SIZE = 100


class ApplicationIdsField(forms.Field):
    """The ticked applications: a list of UUIDs (ids of other employers' applications are
    valid UUIDs too: the view only acts on those of the current employer's inbox)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        ids = []
        for item in value:
            try:
                ids.append(uuid.UUID(str(item)))
            except ValueError:
                raise forms.ValidationError("La sélection n'est pas valide : rechargez la page.")
        return list(dict.fromkeys(ids))

    def validate(self, value):
        if not value:
            raise forms.ValidationError("Cochez au moins une candidature.")
        if len(value) > MAX_BATCH_SIZE:
            raise forms.ValidationError(f"Cochez au plus {MAX_BATCH_SIZE} candidatures à la fois.")


class BatchForm(forms.Form):
    ids = ApplicationIdsField()
    action = forms.ChoiceField(
        label="Action sur les candidatures cochées",
        choices=[("", "Choisissez une action"), *BatchAction.CHOICES],
        error_messages={"required": "Choisissez une action."},
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # Postpone
    comment = forms.CharField(
        label="Message aux candidats et aux prescripteurs",
        help_text="Expliquez pourquoi vous ne pouvez pas répondre tout de suite.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=3000,
    )
    # Refuse
    refusal_reason = forms.ChoiceField(
        label="Motif du refus", choices=[("", "Choisissez un motif"), *RefusalReason.employer_choices()], required=False
    )
    share_reason_with_job_seeker = forms.BooleanField(label="Communiquer le motif aux candidats", required=False)
    answer = forms.CharField(
        label="Message aux candidats (facultatif)",
        help_text="Les prescripteurs le lisent aussi.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=3000,
    )

    def needs_confirmation(self) -> bool:
        return self.cleaned_data["action"] in BatchAction.NEEDS_CONFIRMATION and not self.cleaned_data["confirmed"]

    def clean(self):
        data = super().clean()
        if data.get("confirmed") and data.get("action") == BatchAction.POSTPONE and not data.get("comment", "").strip():
            self.add_error("comment", "Expliquez pourquoi les candidatures sont mises en attente.")
        if data.get("confirmed") and data.get("action") == BatchAction.REFUSE and not data.get("refusal_reason"):
            self.add_error("refusal_reason", "Choisissez le motif du refus.")
        return data


class NotificationSettingsForm(forms.Form):
    """Which new applications the member is told of by email (ticked: told).

    Every box unticked is a valid answer (no email at all): nothing is required. An id
    that is not one of the employer's job descriptions is refused, and nothing is saved.
    """

    job_descriptions = forms.TypedMultipleChoiceField(
        label="Fiches de poste",
        coerce=int,
        required=False,
        error_messages={"invalid_choice": NOT_A_COMPANY_JOB_DESCRIPTION},
    )
    spontaneous = forms.BooleanField(label="Candidatures spontanées", required=False)

    def __init__(self, *args, job_descriptions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job_descriptions"].choices = [(str(job.pk), job.display_name) for job in job_descriptions]
