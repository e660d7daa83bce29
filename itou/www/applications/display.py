"""What the screens say about an application: state badges, plain-French status sentences,
the timeline. Pure functions of already-loaded objects (no query)."""

import dataclasses
import datetime
from functools import partialmethod

from django.utils import formats, timezone

from itou.companies.models import Company
from itou.job_applications.enums import JobApplicationState as State
from itou.job_applications.enums import PriorActionKind, RefusalReason
from itou.job_applications.models import AUTO_REFUSE_AFTER, JobApplication
from itou.job_applications.perms import ViewerRole
from itou.job_applications.workflow import ARCHIVE, CREATION, LOG_LABELS, UNARCHIVE, UPDATE_HIRING_START
from itou.users.models import User

STATE_BADGE_CLASSES = {
    State.NEW: "fr-badge--new",
    State.PROCESSING: "fr-badge--info",
    State.POSTPONED: "fr-badge--warning",
    State.PRIOR_TO_HIRE: "fr-badge--info",
    State.POOL: "fr-badge--info",
    State.ACCEPTED: "fr-badge--success",
    State.REFUSED: "fr-badge--error",
    State.CANCELLED: "fr-badge--error",
    State.OBSOLETE: "",
}


def short_date(value: datetime.date, *, today: datetime.date | None = None) -> str:
    """ "3 mars", or "3 mars 2027" when not this year."""
    today = today or timezone.localdate()
    return formats.date_format(value, "j F" if value.year == today.year else "j F Y")


def _contract_sentence(job_application, today) -> str:
    start = job_application.hiring_start_at
    verb = "commence" if start >= today else "a commencé"
    sentence = f"le contrat {verb} le {short_date(start, today=today)}"
    if job_application.hiring_end_at:
        sentence += f" et se termine le {short_date(job_application.hiring_end_at, today=today)}"
    return sentence


def job_seeker_status(job_application, *, today: datetime.date | None = None) -> str:
    """Where the application stands, for the job seeker, with what comes next."""
    today = today or timezone.localdate()
    state = job_application.state
    if state == State.NEW:
        sent = short_date(timezone.localdate(job_application.created_at), today=today)
        return f"Candidature envoyée le {sent} — l'employeur ne l'a pas encore étudiée."
    if state == State.PROCESSING:
        return "Candidature à l'étude — l'employeur l'examine et peut vous proposer un entretien."
    if state == State.POSTPONED:
        return "Candidature en attente — l'employeur ne peut pas vous répondre tout de suite, elle reste ouverte."
    if state == State.PRIOR_TO_HIRE:
        action = PriorActionKind(job_application.prior_action_kind).label if job_application.prior_action_kind else ""
        return f"Action préalable à l'embauche{f' ({action})' if action else ''} — l'employeur prépare votre embauche."
    if state == State.POOL:
        return "Candidature dans le vivier — l'employeur garde votre profil pour un prochain poste."
    if state == State.ACCEPTED:
        return f"Candidature acceptée — {_contract_sentence(job_application, today)}."
    if state == State.REFUSED:
        if job_application.refusal_reason == RefusalReason.AUTO:
            return (
                f"Candidature déclinée automatiquement — l'employeur n'a pas répondu en {AUTO_REFUSE_AFTER.days} "
                "jours. Vous pouvez postuler ailleurs."
            )
        if job_application.refusal_reason_shared_with_job_seeker and job_application.refusal_reason:
            return f"Candidature déclinée — motif : {job_application.get_refusal_reason_display()}."
        return "Candidature déclinée — vous pouvez postuler auprès d'autres employeurs."
    if state == State.CANCELLED:
        return "Embauche annulée — le contrat prévu n'aura pas lieu."
    if state == State.OBSOLETE:
        return "Embauche ailleurs — une autre de vos candidatures a été acceptée, celle-ci est close."
    return job_application.get_state_display()


def professional_status(job_application, *, today: datetime.date | None = None) -> str:
    """What a list row adds to the state badge for professionals: the refusal reason, the
    contract dates, the prior action ("" when the badge says it all)."""
    today = today or timezone.localdate()
    if job_application.state == State.REFUSED and job_application.refusal_reason:
        return f"Motif : {job_application.get_refusal_reason_display()}"
    if job_application.state == State.ACCEPTED and job_application.hiring_start_at:
        return _contract_sentence(job_application, today).capitalize()
    if job_application.state == State.PRIOR_TO_HIRE and job_application.prior_action_kind:
        return job_application.get_prior_action_kind_display()
    return ""


EMPLOYER_NEXT_STEPS = {
    State.NEW: f"Le candidat attend votre réponse. Sans réponse en {AUTO_REFUSE_AFTER.days} jours, "
    "la candidature sera déclinée automatiquement.",
    State.PROCESSING: "Vous étudiez la candidature : acceptez-la, mettez-la en attente ou déclinez-la.",
    State.POSTPONED: "Le candidat et le prescripteur ont reçu votre message ; répondez dès que possible.",
    State.PRIOR_TO_HIRE: "Acceptez la candidature quand l'action préalable à l'embauche se termine.",
    State.POOL: "Le candidat est dans votre vivier : vous pourrez l'embaucher plus tard.",
    State.CANCELLED: "L'embauche n'aura pas lieu. Vous pouvez encore accepter la candidature ou l'archiver.",
    State.OBSOLETE: "Le candidat a été embauché ailleurs. Vous pouvez encore l'accepter, l'ajouter au vivier "
    "ou archiver la candidature.",
}
SENDER_NEXT_STEPS = {
    State.NEW: "L'employeur n'a pas encore étudié la candidature.",
    State.PROCESSING: "L'employeur étudie la candidature et peut proposer un entretien.",
    State.POSTPONED: "L'employeur ne peut pas répondre tout de suite ; la candidature reste ouverte.",
    State.PRIOR_TO_HIRE: "L'employeur prépare l'embauche par une action préalable.",
    State.POOL: "L'employeur garde le profil dans son vivier pour un prochain poste.",
    State.CANCELLED: "L'embauche n'aura pas lieu.",
    State.OBSOLETE: "Le candidat a été embauché ailleurs : cette candidature est close.",
}


def professional_next_step(job_application, *, employer: bool, today: datetime.date | None = None) -> str:
    """The state explained with what comes next, for the employer or the sender."""
    detail = professional_status(job_application, today=today)
    if job_application.state == State.ACCEPTED:
        return f"{detail}."
    if job_application.state == State.REFUSED:
        if employer:
            shared = "communiqué" if job_application.refusal_reason_shared_with_job_seeker else "non communiqué"
            return f"{detail} ({shared} au candidat). Vous pouvez encore accepter la candidature ou l'archiver."
        return f"{detail}. Vous pouvez proposer le candidat à un autre employeur."
    steps = EMPLOYER_NEXT_STEPS if employer else SENDER_NEXT_STEPS
    sentence = steps.get(job_application.state, "")
    if job_application.state == State.PRIOR_TO_HIRE and detail:
        sentence = f"{detail}. {sentence}"
    return sentence


@dataclasses.dataclass
class TimelineEntry:
    timestamp: datetime.datetime
    title: str
    author: str
    lines: list[str]


def _author(user) -> str:
    return user.get_full_name() if user else "La plateforme (automatiquement)"


def _date(iso: str | None) -> str:
    if not iso:
        return "aucune"
    return formats.date_format(datetime.date.fromisoformat(iso), "j F Y")


def _lines(log, role: str) -> list[str]:
    details = log.details or {}
    lines = []
    if log.transition == "postpone" and details.get("comment"):
        lines.append(f"Message : « {details['comment']} »")
    elif log.transition == "move_to_prior_to_hire" and details.get("prior_action_kind"):
        lines.append(f"Action : {PriorActionKind(details['prior_action_kind']).label}")
    elif log.transition == "accept":
        lines.append(f"Début du contrat : {_date(details.get('hiring_start_at'))}")
        if details.get("hiring_end_at"):
            lines.append(f"Fin du contrat : {_date(details['hiring_end_at'])}")
    elif log.transition == "refuse":
        reason = details.get("refusal_reason")
        shared = details.get("refusal_reason_shared_with_job_seeker")
        if reason and (role != ViewerRole.JOB_SEEKER or shared):
            text = f"Motif : {RefusalReason(reason).label}"
            if role == ViewerRole.EMPLOYER and not shared:
                text += " (non communiqué au candidat)"
            lines.append(text)
        if role != ViewerRole.JOB_SEEKER and details.get("answer_to_prescriber"):
            lines.append(f"Message au prescripteur : « {details['answer_to_prescriber']} »")
    elif log.transition == "render_obsolete":
        lines.append("Une autre candidature de la personne a été acceptée.")
    elif log.transition == "transfer":
        lines.append(f"De {details.get('from_company', '?')} vers {details.get('to_company', '?')}")
    elif log.transition == UPDATE_HIRING_START:
        lines.append(
            f"Début du contrat : {_date(details.get('previous_hiring_start_at'))} → {_date(details.get('hiring_start_at'))}"
        )
        if details.get("previous_hiring_end_at") != details.get("hiring_end_at"):
            lines.append(
                f"Fin du contrat : {_date(details.get('previous_hiring_end_at'))} → {_date(details.get('hiring_end_at'))}"
            )
    if log.transition in ("accept", "refuse") and details.get("answer"):
        lines.append(f"Message au candidat : « {details['answer']} »")
    return lines


def timeline(job_application, logs, *, role: str) -> list[TimelineEntry]:
    """Every step, oldest first, as `role` may read it: the refusal reason only when shared
    for the job seeker, the message to the prescriber never for the job seeker, the
    archiving only for the employer."""
    entries = []
    if not any(log.transition == CREATION for log in logs):
        entries.append(
            TimelineEntry(job_application.created_at, LOG_LABELS[CREATION], sender_label(job_application), [])
        )
    for log in logs:
        if log.transition in (ARCHIVE, UNARCHIVE) and role != ViewerRole.EMPLOYER:
            continue
        title = LOG_LABELS.get(log.transition, log.transition)
        if log.transition == CREATION:
            author = sender_label(job_application)
        else:
            author = _author(log.user)
        entries.append(TimelineEntry(log.timestamp, title, author, _lines(log, role)))
    return entries


def sender_label(job_application) -> str:
    """ "Isabelle MOREAU (France Travail Lyon)", "Léa MARTIN (candidate)"…"""
    sender = job_application.sender
    name = sender.get_full_name() if sender else "Un ancien utilisateur"
    if job_application.sender_kind == "prescriber" and job_application.sender_prescriber_organization:
        return f"{name} ({job_application.sender_prescriber_organization.name})"
    if job_application.sender_kind == "employer" and job_application.sender_company:
        return f"{name} ({job_application.sender_company.display_name})"
    if job_application.sender_kind == "job_seeker":
        return f"{name} (candidature directe)"
    return name


def de(name: str) -> str:
    """ "de Léa MARTIN", "d'Aïcha TRAORÉ": French elision before a vowel."""
    import unicodedata

    first = unicodedata.normalize("NFD", name.strip()[:1])[:1].upper()
    return f"d'{name}" if first and first in "AEIOUY" else f"de {name}"


# --- A card of the employer's inbox, from values -------------------------------------------


class _Person:
    __slots__ = ("first_name", "last_name")
    get_full_name = User.get_full_name

    def __init__(self, first_name, last_name):
        self.first_name, self.last_name = first_name, last_name

    def __str__(self):
        return self.get_full_name()


class _Organization:
    __slots__ = ("pk", "name", "brand")
    display_name = Company.display_name

    def __init__(self, pk, name, brand=""):
        self.pk, self.name, self.brand = pk, name, brand


def _choice_display(name):
    return partialmethod(JobApplication._get_FIELD_display, field=JobApplication._meta.get_field(name))


class InboxRow:
    """What a card of the employer's inbox shows, built from a row of
    `queries.COMPANY_INBOX_ROW_FIELDS` (no model instance): the attributes and methods the
    functions above read, under the model's names, with the model's own code for names and
    labels (`User.get_full_name`, `Company.display_name`, `get_…_display`)."""

    __slots__ = (
        "pk",
        "state",
        "created_at",
        "refusal_reason",
        "hiring_start_at",
        "hiring_end_at",
        "prior_action_kind",
        "sender_kind",
        "job_seeker",
        "sender",
        "sender_prescriber_organization",
        "sender_company",
        "selected_job_names",
        "unread_messages",
    )
    get_state_display = _choice_display("state")
    get_refusal_reason_display = _choice_display("refusal_reason")
    get_prior_action_kind_display = _choice_display("prior_action_kind")

    def __init__(self, values):
        (
            self.pk,
            self.state,
            self.created_at,
            self.refusal_reason,
            self.hiring_start_at,
            self.hiring_end_at,
            self.prior_action_kind,
            self.sender_kind,
            job_seeker_first_name,
            job_seeker_last_name,
            sender_id,
            sender_first_name,
            sender_last_name,
            organization_id,
            organization_name,
            company_id,
            company_name,
            company_brand,
            self.selected_job_names,
            self.unread_messages,
        ) = values
        self.job_seeker = _Person(job_seeker_first_name, job_seeker_last_name)
        self.sender = _Person(sender_first_name, sender_last_name) if sender_id is not None else None
        self.sender_prescriber_organization = (
            _Organization(organization_id, organization_name) if organization_id is not None else None
        )
        self.sender_company = _Organization(company_id, company_name, company_brand) if company_id is not None else None
