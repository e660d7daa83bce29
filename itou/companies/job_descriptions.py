"""Job descriptions ("fiches de poste") and the settings an employer manages itself:
public information, spontaneous applications, antennes. See docs/fiches-de-poste.md.

Every function that changes state here is keyword-only, takes the acting user first,
checks the permission itself (an active membership of the company, or an admin one),
runs in one transaction and sends its emails on commit (the email backend queues them).

Errors:
- bad input raises `django.core.exceptions.ValidationError` with a French message per
  field (keys are the model's field names: "appellation", "location", "hours_per_week"…);
  nothing is written;
- a change that is already in place (double click, stale page) raises `ActionAlreadyDone`;
- a user who may not act raises `django.core.exceptions.PermissionDenied`. Views never
  get there: they load the company from the session (itou.organizations.current).
"""

import dataclasses
import datetime
import logging
import re
from typing import Literal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from itou.companies import perms
from itou.companies.apps import search_pages_changed
from itou.companies.enums import CONTRACT_TYPES_BY_COMPANY_KIND, CompanyKind, CompanySource, ContractType
from itou.companies.models import (
    JOB_DESCRIPTION_STALE_AFTER,
    MAX_HOURS_PER_WEEK,
    Company,
    CompanyMembership,
    JobDescription,
)
from itou.companies.validators import clean_siret
from itou.geo.models import Commune
from itou.jobs.models import Appellation
from itou.notifications.emails import Button, send_email

ALREADY_DONE = "Cette action a déjà été effectuée."

logger = logging.getLogger(__name__)


class ActionAlreadyDone(Exception):
    """The change asked for is already in place (double click, page left open): not an error
    worth a 500, the view shows the message."""

    def __init__(self, message: str = ALREADY_DONE):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------- permissions
# Any active member manages job descriptions and spontaneous applications; only admins
# edit the public information and create antennes (itou/companies/perms.py).


def _check_member(user, company, *, admin: bool = False) -> None:
    allowed = perms.is_company_admin(user, company) if admin else perms.is_company_member(user, company)
    if not allowed:
        if admin:
            raise PermissionDenied("Seuls les administrateurs de la structure peuvent faire cette action.")
        raise PermissionDenied("Vous n'êtes pas membre de cette structure.")


# ---------------------------------------------------------------------------- helpers


def coordinates_for(company: Company, location: Commune | None) -> tuple[float | None, float | None]:
    """Where a job is, for distance search: its commune, else the company's address, else the company's commune."""
    if location is not None and location.latitude is not None:
        return location.latitude, location.longitude
    if company.latitude is not None and company.longitude is not None:
        return company.latitude, company.longitude
    if company.commune is not None:
        return company.commune.latitude, company.commune.longitude
    return None, None


def allowed_contract_types(kind: str) -> list[tuple[str, str]]:
    """(value, French label) of the contracts a company of this kind may offer."""
    return [(contract.value, contract.label) for contract in CONTRACT_TYPES_BY_COMPANY_KIND.get(kind, ())]


def stale_on(job_description: JobDescription) -> datetime.datetime:
    """When the daily job will close this job description if nobody updates it."""
    return job_description.updated_at + JOB_DESCRIPTION_STALE_AFTER


def spontaneous_applications_stale_on(company: Company) -> datetime.datetime | None:
    since = company.spontaneous_applications_open_since
    return since + JOB_DESCRIPTION_STALE_AFTER if since else None


def _strip(value) -> str:
    return (value or "").strip()


def _raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _merge_full_clean(instance, errors: dict) -> None:
    """Run the model's validation on the fields not already in error, then raise everything at once."""
    try:
        instance.full_clean(exclude=list(errors))
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    _raise_if(errors)


# ---------------------------------------------------------------------------- job descriptions


def _apply_job_description_fields(
    job_description: JobDescription,
    *,
    company: Company,
    appellation_code: str,
    contract_type: str,
    custom_title: str,
    description: str,
    profile_sought: str,
    other_contract_type: str,
    hours_per_week: int | None,
    open_positions: int,
    location_code: str,
    is_cv_required: bool,
    is_open: bool,
) -> None:
    """Check the input and set it on `job_description` (not saved); raise ValidationError with every problem."""
    errors: dict[str, list[str]] = {}
    appellation = None
    appellation_code = _strip(appellation_code)
    if appellation_code:
        # With its ROME code: saving copies the ROME domain without another query.
        appellation = Appellation.objects.select_related("rome").filter(code=appellation_code).first()
    if appellation is None:
        errors["appellation"] = ["Ce métier est inconnu : tapez quelques lettres puis choisissez-le dans la liste."]

    location = None
    location_code = _strip(location_code)
    if location_code:
        location = Commune.objects.filter(code=location_code).first()
        if location is None:
            errors["location"] = ["Cette commune est inconnue : choisissez-la dans la liste proposée."]

    if contract_type not in dict(allowed_contract_types(company.kind)):
        errors["contract_type"] = [
            "Ce type de contrat n'est pas possible pour ce type de structure : choisissez-en un dans la liste."
        ]
    other_contract_type = _strip(other_contract_type) if contract_type == ContractType.OTHER else ""
    if contract_type == ContractType.OTHER and not other_contract_type:
        errors["other_contract_type"] = ["Vous avez choisi « Autre type de contrat » : précisez lequel."]

    if hours_per_week is not None and (
        not isinstance(hours_per_week, int) or not 1 <= hours_per_week <= MAX_HOURS_PER_WEEK
    ):
        errors["hours_per_week"] = [
            f"Indiquez un nombre d'heures par semaine entre 1 et {MAX_HOURS_PER_WEEK} "
            f"(la durée du travail ne peut pas dépasser {MAX_HOURS_PER_WEEK} heures par semaine)."
        ]
    if not isinstance(open_positions, int) or open_positions < 1:
        errors["open_positions"] = ["Indiquez au moins un poste ouvert."]

    job_description.company = company
    if appellation is not None:
        job_description.appellation = appellation
    job_description.location = location
    job_description.contract_type = contract_type
    job_description.other_contract_type = other_contract_type
    job_description.custom_title = _strip(custom_title)
    job_description.description = _strip(description)
    job_description.profile_sought = _strip(profile_sought)
    job_description.hours_per_week = hours_per_week
    job_description.open_positions = open_positions
    job_description.is_cv_required = bool(is_cv_required)
    job_description.is_open = bool(is_open)
    job_description.latitude, job_description.longitude = coordinates_for(company, location)
    job_description.set_rome_domain()
    _merge_full_clean(job_description, errors)


def _locked_company(company: Company) -> Company:
    return Company.objects.select_for_update(of=("self",)).select_related("commune").get(pk=company.pk)


def _locked_job_description(company: Company, job_description: JobDescription) -> JobDescription:
    found = (
        JobDescription.objects.select_for_update(of=("self",))
        .select_related("company__commune", "location", "appellation")
        .filter(pk=job_description.pk, company_id=company.pk)
        .first()
    )
    if found is None:
        raise PermissionDenied("Cette fiche de poste n'appartient pas à cette structure.")
    return found


@transaction.atomic
def job_description_create(
    *,
    acting_user,
    company: Company,
    appellation_code: str,
    contract_type: str,
    custom_title: str = "",
    description: str = "",
    profile_sought: str = "",
    other_contract_type: str = "",
    hours_per_week: int | None = None,
    open_positions: int = 1,
    location_code: str = "",
    is_cv_required: bool = False,
    is_open: bool = True,
) -> JobDescription:
    """Create a job description at the end of the company's list."""
    _check_member(acting_user, company)
    # The company's row serializes concurrent creations: each gets its own rank.
    company = _locked_company(company)
    last = JobDescription.objects.filter(company=company).order_by("-ui_rank").values_list("ui_rank", flat=True).first()
    job_description = JobDescription(ui_rank=0 if last is None else last + 1)
    _apply_job_description_fields(
        job_description,
        company=company,
        appellation_code=appellation_code,
        contract_type=contract_type,
        custom_title=custom_title,
        description=description,
        profile_sought=profile_sought,
        other_contract_type=other_contract_type,
        hours_per_week=hours_per_week,
        open_positions=open_positions,
        location_code=location_code,
        is_cv_required=is_cv_required,
        is_open=is_open,
    )
    job_description.updated_at = timezone.now()
    job_description.save()
    return job_description


@transaction.atomic
def job_description_update(
    *,
    acting_user,
    company: Company,
    job_description: JobDescription,
    appellation_code: str,
    contract_type: str,
    custom_title: str = "",
    description: str = "",
    profile_sought: str = "",
    other_contract_type: str = "",
    hours_per_week: int | None = None,
    open_positions: int = 1,
    location_code: str = "",
    is_cv_required: bool = False,
    is_open: bool = True,
) -> JobDescription:
    """Replace every field of a job description (what its form sends).

    Saving, even without any change, counts as an update: the employer confirms the
    offer is current, and the 90-day countdown starts again.
    """
    _check_member(acting_user, company)
    job_description = _locked_job_description(company, job_description)
    _apply_job_description_fields(
        job_description,
        company=job_description.company,
        appellation_code=appellation_code,
        contract_type=contract_type,
        custom_title=custom_title,
        description=description,
        profile_sought=profile_sought,
        other_contract_type=other_contract_type,
        hours_per_week=hours_per_week,
        open_positions=open_positions,
        location_code=location_code,
        is_cv_required=is_cv_required,
        is_open=is_open,
    )
    job_description.updated_at = timezone.now()
    job_description.save()
    return job_description


def _set_open(*, acting_user, company, job_description, is_open: bool) -> JobDescription:
    _check_member(acting_user, company)
    job_description = _locked_job_description(company, job_description)
    if job_description.is_open == is_open:
        state = "ouverte" if is_open else "fermée"
        raise ActionAlreadyDone(
            f"{ALREADY_DONE} La fiche de poste « {job_description.display_name} » est déjà {state}."
        )
    job_description.is_open = is_open
    job_description.latitude, job_description.longitude = coordinates_for(
        job_description.company, job_description.location
    )
    job_description.updated_at = timezone.now()
    job_description.save(update_fields=["is_open", "latitude", "longitude", "updated_at"])
    return job_description


@transaction.atomic
def job_description_open(*, acting_user, company: Company, job_description: JobDescription) -> JobDescription:
    """Open recruitment again; it counts as an update (a new 90-day period starts)."""
    return _set_open(acting_user=acting_user, company=company, job_description=job_description, is_open=True)


@transaction.atomic
def job_description_close(*, acting_user, company: Company, job_description: JobDescription) -> JobDescription:
    """Close recruitment: the job description leaves the public pages and search, and is kept for history."""
    return _set_open(acting_user=acting_user, company=company, job_description=job_description, is_open=False)


@transaction.atomic
def job_description_move(
    *, acting_user, company: Company, job_description: JobDescription, direction: Literal["up", "down"]
) -> JobDescription:
    """Swap a job description with its neighbour in the company's list.

    Ranks are renumbered 0..n-1 on the way, so that gaps or ties left by older data
    never make a click do nothing. Reordering is not an update of the offer itself:
    `updated_at` (the 90-day countdown) does not move.
    """
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Choisissez de monter ou de descendre la fiche de poste."})
    _check_member(acting_user, company)
    ordered = list(
        JobDescription.objects.select_for_update(of=("self",))
        .filter(company_id=company.pk)
        .select_related("appellation")
        .order_by("ui_rank", "pk")
    )
    index = next((i for i, jd in enumerate(ordered) if jd.pk == job_description.pk), None)
    if index is None:
        raise PermissionDenied("Cette fiche de poste n'appartient pas à cette structure.")
    neighbour = index - 1 if direction == "up" else index + 1
    if not 0 <= neighbour < len(ordered):
        where = "première" if direction == "up" else "dernière"
        raise ActionAlreadyDone(f"{ALREADY_DONE} « {ordered[index].display_name} » est déjà la {where} de la liste.")
    ordered[index], ordered[neighbour] = ordered[neighbour], ordered[index]
    changed = []
    for rank, jd in enumerate(ordered):
        if jd.ui_rank != rank:
            jd.ui_rank = rank
            changed.append(jd)
    JobDescription.objects.bulk_update(changed, ["ui_rank"])
    return ordered[neighbour]


# ---------------------------------------------------------------------------- company settings


@transaction.atomic
def company_toggle_spontaneous_applications(*, acting_user, company: Company, is_open: bool) -> Company:
    """Open (from now) or close the company's spontaneous applications. Any active member may."""
    _check_member(acting_user, company)
    company = _locked_company(company)
    if company.spontaneous_applications_open == is_open:
        state = "ouvertes" if is_open else "fermées"
        raise ActionAlreadyDone(f"{ALREADY_DONE} Les candidatures spontanées sont déjà {state}.")
    company.spontaneous_applications_open_since = timezone.now() if is_open else None
    company.save(update_fields=["spontaneous_applications_open_since", "updated_at"])
    return company


@transaction.atomic
def company_refresh_spontaneous_applications(*, acting_user, company: Company) -> Company:
    """The employer confirms that spontaneous applications stay open: a new 90-day period starts."""
    _check_member(acting_user, company)
    company = _locked_company(company)
    if not company.spontaneous_applications_open:
        raise ActionAlreadyDone(
            "Les candidatures spontanées sont fermées : ouvrez-les si vous souhaitez en recevoir de nouveau."
        )
    company.spontaneous_applications_open_since = timezone.now()
    company.save(update_fields=["spontaneous_applications_open_since", "updated_at"])
    return company


PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
PHONE_FORMATS = (
    re.compile(r"^0[1-9][0-9]{8}$"),  # 04 78 70 12 34
    re.compile(r"^\+[1-9][0-9]{7,14}$"),  # +33 4 78 70 12 34
    re.compile(r"^[1-9][0-9]{3}$"),  # short numbers (3949)
)


def clean_phone(value: str) -> str:
    """The phone number without separators, or a French ValidationError."""
    compact = PHONE_SEPARATORS.sub("", value or "")
    if compact and not any(pattern.match(compact) for pattern in PHONE_FORMATS):
        raise ValidationError(
            "Ce numéro de téléphone n'est pas valide : 10 chiffres (04 78 70 12 34) ou un numéro international (+33…)."
        )
    return compact


def _check_contacts(company: Company, errors: dict) -> None:
    """Django's messages say "courriel" and "URL": ours use the site's words and show an example."""
    if company.email:
        try:
            validate_email(company.email)
        except ValidationError:
            errors["email"] = ["Cette adresse e-mail n'est pas valide. Format attendu : nom@domaine.fr."]
    if company.website:
        try:
            URLValidator(schemes=["http", "https"])(company.website)
        except ValidationError:
            errors["website"] = ["Cette adresse de site web n'est pas valide. Exemple : https://www.exemple.fr."]


def clean_website(value: str) -> str:
    """ "exemple.fr" -> "https://exemple.fr": people rarely type the scheme."""
    value = _strip(value)
    if value and "://" not in value:
        value = "https://" + value
    return value


def _address_fields(*, address_line: str, post_code: str, commune_code: str, errors: dict) -> dict:
    """Check an address typed in a form; the commune comes from the autocomplete (its INSEE code)."""
    commune = None
    commune_code = _strip(commune_code)
    if not commune_code:
        errors["commune"] = ["Choisissez la commune dans la liste proposée pendant la saisie."]
    else:
        commune = Commune.objects.filter(code=commune_code).first()
        if commune is None:
            errors["commune"] = ["Cette commune est inconnue : choisissez-la dans la liste proposée."]
    post_code = _strip(post_code).replace(" ", "")
    if post_code and not re.fullmatch(r"[0-9]{5}", post_code):
        errors["post_code"] = ["Le code postal doit comporter 5 chiffres."]
    elif commune is not None and post_code and commune.postal_codes and post_code not in commune.postal_codes:
        errors["post_code"] = [
            f"Ce code postal ne correspond pas à {commune.name} ({', '.join(commune.postal_codes[:5])})."
        ]
    elif commune is not None and not post_code and len(commune.postal_codes) == 1:
        post_code = commune.postal_codes[0]
    return {"address_line": _strip(address_line), "post_code": post_code, "commune": commune}


@transaction.atomic
def company_update_public_info(
    *,
    acting_user,
    company: Company,
    brand: str,
    description: str,
    phone: str,
    email: str,
    website: str,
    address_line: str,
    post_code: str,
    commune_code: str,
) -> Company:
    """Update what the public page shows. Admins only; SIRET, kind and legal name are not editable here.

    A new address moves the company to its commune's centre (no street-level geocoding
    yet) and, with it, the job descriptions that have no location of their own.
    """
    _check_member(acting_user, company, admin=True)
    company = _locked_company(company)
    errors: dict[str, list[str]] = {}
    try:
        phone = clean_phone(phone)
    except ValidationError as error:
        errors["phone"] = error.messages
    address = _address_fields(address_line=address_line, post_code=post_code, commune_code=commune_code, errors=errors)
    address_changed = (address["address_line"], address["post_code"], address["commune"]) != (
        company.address_line,
        company.post_code,
        company.commune,
    )
    company.brand = _strip(brand)
    company.description = _strip(description)
    company.phone = phone if "phone" not in errors else company.phone
    company.email = _strip(email)
    company.website = clean_website(website)
    _check_contacts(company, errors)
    if "commune" not in errors and "post_code" not in errors:
        company.address_line = address["address_line"]
        company.post_code = address["post_code"]
        company.commune = address["commune"]
        if address_changed:
            company.latitude, company.longitude = address["commune"].latitude, address["commune"].longitude
    _merge_full_clean(company, errors)
    company.save()
    if address_changed:
        # Derived columns only: not an update of the offers (their 90-day countdown stays).
        JobDescription.objects.filter(company=company, location__isnull=True).update(
            latitude=company.latitude, longitude=company.longitude
        )
    return company


@transaction.atomic
def antenne_create(
    *,
    acting_user,
    company: Company,
    siret: str,
    name: str,
    address_line: str,
    post_code: str,
    commune_code: str,
    brand: str = "",
    phone: str = "",
    email: str = "",
    description: str = "",
) -> Company:
    """Create an "antenne": another establishment of the same SIREN and kind.

    An admin of `company` (the convention holder or one of its antennes) may do it. The
    antenne hangs from the convention holder, shares its convention dates (it becomes
    inactive with it), and its creator becomes its admin.
    """
    _check_member(acting_user, company, admin=True)
    holder = Company.objects.select_related("parent").get(pk=company.pk)
    holder = holder.parent or holder
    holder = Company.objects.select_for_update(of=("self",)).get(pk=holder.pk)
    if not Company.objects.active().filter(pk=holder.pk).exists():
        raise ValidationError(
            {NON_FIELD_ERRORS: ["La structure conventionnée n'est plus active : vous ne pouvez pas créer d'antenne."]}
        )
    errors: dict[str, list[str]] = {}
    try:
        siret = clean_siret(siret)
    except ValidationError as error:
        errors["siret"] = error.messages
    else:
        if siret[:9] != holder.siren:
            errors["siret"] = [
                f"Une antenne a le même SIREN que sa structure : le SIRET doit commencer par {holder.siren}."
            ]
        elif Company.objects.filter(siret=siret, kind=holder.kind).exists():
            errors["siret"] = [
                "Une structure de ce type existe déjà avec ce SIRET. Si c'est la vôtre, demandez à l'un de "
                "ses administrateurs de vous inviter."
            ]
    try:
        phone = clean_phone(phone)
    except ValidationError as error:
        errors["phone"] = error.messages
    address = _address_fields(address_line=address_line, post_code=post_code, commune_code=commune_code, errors=errors)
    commune = address["commune"]
    antenne = Company(
        siret=siret,
        kind=holder.kind,
        name=_strip(name),
        brand=_strip(brand),
        address_line=address["address_line"],
        post_code=address["post_code"],
        commune=commune,
        latitude=commune.latitude if commune else None,
        longitude=commune.longitude if commune else None,
        phone=phone if "phone" not in errors else "",
        email=_strip(email),
        description=_strip(description),
        convention_start_date=holder.convention_start_date,
        convention_end_date=holder.convention_end_date,
        source=CompanySource.USER_CREATED,
        parent=holder,
        created_by=acting_user,
    )
    _check_contacts(antenne, errors)
    _merge_full_clean(antenne, errors)
    try:
        with transaction.atomic():
            antenne.save()
    except IntegrityError:
        # Another admin created it between our check and now.
        raise ValidationError({"siret": ["Une structure de ce type existe déjà avec ce SIRET."]})
    CompanyMembership.objects.create(user=acting_user, company=antenne, is_admin=True)
    return antenne


# ---------------------------------------------------------------------------- daily job


@dataclasses.dataclass
class StaleClosing:
    """What the daily job closed for one company."""

    company: Company
    job_descriptions: list[JobDescription]
    spontaneous_applications_open_since: datetime.datetime | None  # set when they were closed


# The employer's columns copied on each job description (JobDescription.company_*), as
# the triggers of companies migration 0004 compute them.
_COMPANY_COPY_DIFFERS = """(
    jd.company_kind IS DISTINCT FROM c.kind
    OR jd.company_searchable IS DISTINCT FROM companies_searchable(c.is_active, c.kind)
    OR jd.company_convention_end_date IS DISTINCT FROM c.convention_end_date
)"""


def job_descriptions_with_stale_company_copy() -> list[int]:
    """The ids of the job descriptions whose copy of their employer's columns differs from
    the employer (none while the triggers work): the consistency check of that copy."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT jd.id FROM companies_jobdescription AS jd JOIN companies_company AS c ON c.id = jd.company_id"
            f" WHERE {_COMPANY_COPY_DIFFERS} ORDER BY jd.id"
        )
        return [pk for (pk,) in cursor.fetchall()]


def job_descriptions_repair_company_copy() -> int:
    """Copy again their employer's columns on the job descriptions where they differ, in one
    statement; how many were wrong (0 expected: the daily task logs any other count)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE companies_jobdescription AS jd SET company_kind = c.kind,"
            " company_searchable = companies_searchable(c.is_active, c.kind),"
            " company_convention_end_date = c.convention_end_date FROM companies_company AS c"
            f" WHERE c.id = jd.company_id AND {_COMPANY_COPY_DIFFERS}"
        )
        repaired = cursor.rowcount
    if repaired:
        logger.error("%d fiche(s) de poste avaient une copie périmée de leur employeur : corrigée(s).", repaired)
        search_pages_changed()
    return repaired


@transaction.atomic
def job_descriptions_close_stale(*, now: datetime.datetime | None = None) -> list[StaleClosing]:
    """Close what nobody confirmed for JOB_DESCRIPTION_STALE_AFTER (90 days), and tell each company.

    - open job descriptions whose `updated_at` is 90 days old or more;
    - spontaneous applications opened 90 days ago or more (`spontaneous_applications_open_since`,
      which the "Confirmer" button resets).
    Each company's active admins (its active members when it has no admin) get one email
    listing what was closed, with the link to reopen. Run by the daily task; running it
    twice closes nothing more and sends nothing more. System action: no acting user.
    """
    now = now or timezone.now()
    limit = now - JOB_DESCRIPTION_STALE_AFTER
    job_descriptions = list(
        JobDescription.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(is_open=True, updated_at__lte=limit)
        .select_related("appellation", "company__commune")
        .order_by("company_id", "ui_rank", "pk")
    )
    companies = list(
        Company.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(spontaneous_applications_open_since__lte=limit)
        .select_related("commune")
        .order_by("pk")
    )
    closings: dict[int, StaleClosing] = {}
    for job_description in job_descriptions:
        closing = closings.setdefault(
            job_description.company_id,
            StaleClosing(job_description.company, [], spontaneous_applications_open_since=None),
        )
        closing.job_descriptions.append(job_description)
    for company in companies:
        closing = closings.setdefault(company.pk, StaleClosing(company, [], spontaneous_applications_open_since=None))
        closing.spontaneous_applications_open_since = company.spontaneous_applications_open_since

    if job_descriptions:
        JobDescription.objects.filter(pk__in=[jd.pk for jd in job_descriptions]).update(is_open=False, updated_at=now)
    if companies:
        Company.objects.filter(pk__in=[c.pk for c in companies]).update(
            spontaneous_applications_open_since=None, updated_at=now
        )
    if job_descriptions or companies:
        search_pages_changed()  # bulk updates send no signal
    _send_stale_closing_emails(list(closings.values()), now=now)
    return list(closings.values())


def _send_stale_closing_emails(closings: list[StaleClosing], *, now: datetime.datetime) -> None:
    if not closings:
        return
    memberships = (
        CompanyMembership.objects.filter(
            company_id__in=[closing.company.pk for closing in closings], is_active=True, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("company_id", "pk")
    )
    recipients: dict[int, dict[str, list]] = {}
    for membership in memberships:
        by_role = recipients.setdefault(membership.company_id, {"admins": [], "members": []})
        by_role["admins" if membership.is_admin else "members"].append(membership.user)
    reopen_url = settings.SITE_URL + reverse("companies:job_description_list")
    with translation.override("fr"):
        for closing in closings:
            by_role = recipients.get(closing.company.pk, {})
            for user in by_role.get("admins") or by_role.get("members") or []:
                context = {
                    "user": user,
                    "company": closing.company,
                    "job_descriptions": closing.job_descriptions,
                    "spontaneous_applications_open_since": closing.spontaneous_applications_open_since,
                    "closed_at": timezone.localtime(now),
                    "stale_days": JOB_DESCRIPTION_STALE_AFTER.days,
                    "reopen_url": reopen_url,
                }
                send_email(
                    "companies/email/stale_closing",
                    to=user.email,
                    context=context,
                    button=Button("Rouvrir mes fiches de poste", reopen_url),
                )


# ---------------------------------------------------------------------------- demo data
# For `manage.py load_demo`: a few job descriptions per demo employer, by kind.
# Appellation codes come from the ROME referential imported by `manage.py import_rome`.

DEMO_JOB_DESCRIPTIONS: dict[str, tuple[dict, ...]] = {
    CompanyKind.ACI: (
        {
            "appellation_code": "16384",  # Maraîcher / Maraîchère
            "custom_title": "Maraîcher en agriculture biologique",
            "contract_type": ContractType.FIXED_TERM_I,
            "hours_per_week": 26,
            "open_positions": 4,
            "description": "Semis, plantation, récolte et préparation des paniers de légumes bio.",
            "profile_sought": "Aucun diplôme demandé. Goût du travail en extérieur.",
        },
        {
            "appellation_code": "17475",  # Ouvrier / Ouvrière d'entretien des espaces verts
            "contract_type": ContractType.FIXED_TERM_I,
            "hours_per_week": 26,
            "open_positions": 3,
            "description": "Tonte, taille de haies et débroussaillage pour les communes de l'agglomération.",
        },
        {
            "appellation_code": "16068",  # Jardinier / Jardinière d'espaces verts
            "contract_type": ContractType.FIXED_TERM_I_PHC,
            "hours_per_week": 20,
            "description": "Premières heures en chantier : reprise progressive d'une activité.",
        },
        {
            "appellation_code": "10805",  # Aide à domicile
            "contract_type": ContractType.FIXED_TERM_I,
            "hours_per_week": 24,
            "is_open": False,
        },
    ),
    CompanyKind.ETTI: (
        {"appellation_code": "16361", "contract_type": ContractType.TEMPORARY, "open_positions": 6},  # Manutentionnaire
        {"appellation_code": "11679", "contract_type": ContractType.TEMPORARY, "is_cv_required": True},  # Cariste
        {"appellation_code": "10879", "contract_type": ContractType.TEMPORARY, "hours_per_week": 35},  # Aide-maçon
        {"appellation_code": "17846", "contract_type": ContractType.TEMPORARY, "hours_per_week": 30},  # Plongeur
    ),
    CompanyKind.EATT: (
        {"appellation_code": "10406", "contract_type": ContractType.TEMPORARY, "open_positions": 2},
        {"appellation_code": "10686", "contract_type": ContractType.TEMPORARY, "hours_per_week": 20},
        {"appellation_code": "16361", "contract_type": ContractType.PERMANENT, "hours_per_week": 35},
    ),
    CompanyKind.AI: (
        {"appellation_code": "14774", "contract_type": ContractType.FIXED_TERM_USAGE, "open_positions": 5},
        {"appellation_code": "10571", "contract_type": ContractType.FIXED_TERM_USAGE, "hours_per_week": 15},
        {"appellation_code": "16067", "contract_type": ContractType.FIXED_TERM_I, "hours_per_week": 20},
    ),
    CompanyKind.EITI: (
        {
            "appellation_code": "16204",  # Livreur / Livreuse
            "custom_title": "Livreur à vélo (travail indépendant accompagné)",
            "contract_type": ContractType.BUSINESS_CREATION,
            "open_positions": 5,
        },
        {"appellation_code": "13812", "contract_type": ContractType.BUSINESS_CREATION},  # Couturier
        {"appellation_code": "16250", "contract_type": ContractType.BUSINESS_CREATION, "is_open": False},
    ),
    CompanyKind.GEIQ: (
        {
            "appellation_code": "16250",  # Maçon / Maçonne
            "contract_type": ContractType.PROFESSIONAL_TRAINING,
            "hours_per_week": 35,
            "open_positions": 4,
            "description": "Contrat de professionnalisation de 12 mois : CAP maçon en alternance.",
        },
        {"appellation_code": "12679", "contract_type": ContractType.PROFESSIONAL_TRAINING, "hours_per_week": 35},
        {"appellation_code": "11661", "contract_type": ContractType.APPRENTICESHIP, "hours_per_week": 35},
    ),
    CompanyKind.EI: (
        {"appellation_code": "10638", "contract_type": ContractType.FIXED_TERM_I, "hours_per_week": 26},  # Tri
        {
            "appellation_code": "38381",  # Vendeur / Vendeuse en articles de bazar
            "custom_title": "Vendeur en boutique de seconde main",
            "contract_type": ContractType.FIXED_TERM_I,
            "hours_per_week": 26,
        },
        {
            "appellation_code": "16507",  # Mécanicien / Mécanicienne en cycles et motocycles
            "custom_title": "Réparateur de vélos",
            "contract_type": ContractType.OTHER,
            "other_contract_type": "CDDI de 4 mois renouvelable, avec une formation à la mécanique vélo",
            "hours_per_week": 30,
        },
    ),
    CompanyKind.EA: (
        {"appellation_code": "38482", "contract_type": ContractType.PERMANENT, "hours_per_week": 35},
        {"appellation_code": "11530", "contract_type": ContractType.FIXED_TERM, "hours_per_week": 28},
        {"appellation_code": "10405", "contract_type": ContractType.FIXED_TERM_TREMPLIN, "hours_per_week": 35},
    ),
}


def job_descriptions_load_demo(*, acting_user, company: Company) -> int:
    """Create the demo job descriptions of `company` that are missing (by appellation); return how many.

    Idempotent: what users changed in the demo is kept; unknown appellations are skipped.
    """
    existing = set(JobDescription.objects.filter(company=company).values_list("appellation_id", flat=True))
    known = set(
        Appellation.objects.filter(
            code__in=[spec["appellation_code"] for spec in DEMO_JOB_DESCRIPTIONS.get(company.kind, ())]
        ).values_list("code", flat=True)
    )
    created = 0
    for spec in DEMO_JOB_DESCRIPTIONS.get(company.kind, ()):
        if spec["appellation_code"] in existing or spec["appellation_code"] not in known:
            continue
        job_description_create(acting_user=acting_user, company=company, **spec)
        existing.add(spec["appellation_code"])
        created += 1
    return created
