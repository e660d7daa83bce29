"""Employer screens ("Fiches de poste", "Ma structure") and the public pages of a company
and of a job description. See docs/fiches-de-poste.md.

Employer views act for the company chosen in the session (`get_current_company_or_404`),
never for a company id taken from the URL; a job description id in the URL is looked up
among that company's job descriptions only (404 otherwise).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from itou.companies import job_descriptions as services
from itou.companies.enums import SIAE_KINDS, CompanyKind
from itou.companies.models import JOB_DESCRIPTION_STALE_AFTER, Company, JobDescription
from itou.organizations.current import get_current_company_or_404, remember_current_organization
from itou.www.companies.forms import AntenneForm, CompanyPublicInfoForm, JobDescriptionForm, add_service_errors
from itou.www.dashboard.counters import QUIET_JOB_DESCRIPTION_DAYS, quiet_job_descriptions_filter

# One plain sentence per kind, for people who do not know the acronyms.
KIND_EXPLANATIONS = {
    CompanyKind.EI: "Une entreprise d'insertion (EI) produit des biens ou des services comme toute entreprise, "
    "et accompagne ses salariés vers un emploi durable.",
    CompanyKind.AI: "Une association intermédiaire (AI) embauche des personnes et les met à disposition de "
    "particuliers, d'associations, de collectivités ou d'entreprises pour des missions.",
    CompanyKind.ACI: "Un atelier et chantier d'insertion (ACI) fait travailler des personnes très éloignées de "
    "l'emploi, le plus souvent au sein d'une association ou d'une collectivité, avec un accompagnement social "
    "et professionnel.",
    CompanyKind.ETTI: "Une entreprise de travail temporaire d'insertion (ETTI) propose des missions d'intérim dans "
    "des entreprises clientes, avec un accompagnement tout au long du parcours.",
    CompanyKind.EITI: "Une entreprise d'insertion par le travail indépendant (EITI) accompagne des personnes qui "
    "travaillent à leur compte, par exemple comme livreur ou artisan.",
    CompanyKind.GEIQ: "Un groupement d'employeurs pour l'insertion et la qualification (GEIQ) recrute des personnes "
    "pour les entreprises qui en sont membres et les forme à un métier en alternance.",
    CompanyKind.EA: "Une entreprise adaptée (EA) emploie en majorité des travailleurs handicapés et les accompagne "
    "dans leur parcours professionnel.",
    CompanyKind.EATT: "Une entreprise adaptée de travail temporaire (EATT) propose des missions d'intérim à des "
    "travailleurs handicapés.",
    CompanyKind.OPCS: "Une organisation porteuse de la clause sociale (OPCS) aide les entreprises qui remportent "
    "des marchés publics à recruter des personnes éloignées de l'emploi.",
}
SIAE_EXPLANATION = (
    "C'est une structure d'insertion par l'activité économique (SIAE) : pour y être embauché, il faut être "
    "éligible à l'insertion par l'activité économique (IAE). Un prescripteur habilité (France Travail, Mission "
    "locale, Cap emploi…) ou la structure elle-même le vérifie."
)


# ---------------------------------------------------------------------------- helpers


def _kind_context(company) -> dict:
    return {
        "kind_explanation": KIND_EXPLANATIONS.get(company.kind, ""),
        "siae_explanation": SIAE_EXPLANATION if company.kind in SIAE_KINDS else "",
    }


def map_url(company) -> str:
    """An OpenStreetMap link to the company: a search for its address, else its coordinates.

    The address comes first: the stored coordinates may only be the commune's centre.
    """
    commune = company.commune
    parts = (company.address_line, company.post_code, commune.name if commune else "")
    if company.address_line and commune:
        return "https://www.openstreetmap.org/search?" + urlencode({"query": ", ".join(p for p in parts if p)})
    latitude, longitude = services.coordinates_for(company, None)
    if latitude is None or longitude is None:
        return ""
    return (
        f"https://www.openstreetmap.org/?mlat={latitude:.5f}&mlon={longitude:.5f}#map=15/{latitude:.5f}/{longitude:.5f}"
    )


def apply_url(request, company, job_description=None) -> str | None:
    """Where the "Postuler" button leads: the apply journey (itou/www/apply), for this job
    description when there is one. Visitors go through the login page and come back.
    OPCS have no hiring flow: no button."""
    if company.kind == CompanyKind.OPCS:
        return None
    url = reverse("apply:start", args=[company.pk])
    if job_description is not None:
        url += f"?job={job_description.pk}"
    return url


def _do(request, action, success_message: str) -> bool:
    """Run a service for a one-button action; show its result as a message. True when it ran."""
    try:
        action()
    except services.ActionAlreadyDone as done:
        messages.info(request, done.message)
        return False
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    messages.success(request, success_message)
    return True


def _company_job_description_or_404(company, pk) -> JobDescription:
    return get_object_or_404(
        JobDescription.objects.select_related("appellation", "location", "company__commune"), pk=pk, company=company
    )


# ---------------------------------------------------------------------------- public pages


def detail(request, pk):
    """The public page of an employer: anyone may read it; inactive employers answer 404."""
    company = get_object_or_404(
        Company.objects.active().select_related("commune", "parent", "commercial_profile"), pk=pk
    )
    job_descriptions = list(company.job_descriptions.open().select_related("appellation", "location"))
    context = {
        "company": company,
        "job_descriptions": job_descriptions,
        "map_url": map_url(company),
        "apply_url": apply_url(request, company),
        **_kind_context(company),
    }
    return render(request, "companies/detail.html", context)


def job_description_detail(request, pk):
    """The public page of one job description. A closed one stays readable (links shared earlier
    keep working) with "Ce poste n'est plus ouvert" and no "Postuler" button."""
    job_description = get_object_or_404(
        JobDescription.objects.select_related("appellation__rome", "location", "company__commune").filter(
            company__in=Company.objects.active()
        ),
        pk=pk,
    )
    company = job_description.company
    context = {
        "job_description": job_description,
        "company": company,
        "map_url": map_url(company),
        "apply_url": apply_url(request, company, job_description) if job_description.is_open else None,
        **_kind_context(company),
    }
    return render(request, "companies/job_description_detail.html", context)


# ---------------------------------------------------------------------------- job descriptions (employers)


@login_required
def job_description_list(request):
    """The current company's job descriptions (open and closed) and its spontaneous applications."""
    company = get_current_company_or_404(request)
    queryset = company.job_descriptions.select_related("appellation", "location").order_by("ui_rank", "pk")
    # The dashboard's "sans candidature depuis 30 jours" counter links here.
    quiet_only = bool(request.GET.get("sans_candidature"))
    if quiet_only:
        queryset = queryset.filter(quiet_job_descriptions_filter(timezone.localdate()))
    job_descriptions = list(queryset)
    now = timezone.now()
    for job_description in job_descriptions:
        job_description.stale_on = services.stale_on(job_description)
        job_description.stale_soon = job_description.is_open and job_description.stale_on - now <= STALE_WARNING
    spontaneous_stale_on = services.spontaneous_applications_stale_on(company)
    context = {
        "company": company,
        "job_descriptions": job_descriptions,
        "open_count": sum(jd.is_open for jd in job_descriptions),
        "spontaneous_stale_on": spontaneous_stale_on,
        "spontaneous_stale_soon": spontaneous_stale_on is not None and spontaneous_stale_on - now <= STALE_WARNING,
        "stale_days": JOB_DESCRIPTION_STALE_AFTER.days,
        "quiet_only": quiet_only,
        "quiet_days": QUIET_JOB_DESCRIPTION_DAYS,
    }
    return render(request, "companies/job_description_list.html", context)


# Warn employers this long before the daily job closes something.
STALE_WARNING = JOB_DESCRIPTION_STALE_AFTER / 6


@login_required
def job_description_create(request):
    company = get_current_company_or_404(request)
    form = JobDescriptionForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        try:
            job_description = services.job_description_create(
                acting_user=request.user, company=company, **form.service_kwargs()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            state = "publiée" if job_description.is_open else "enregistrée (recrutement fermé)"
            messages.success(request, f"La fiche de poste « {job_description.display_name} » est {state}.")
            return redirect("companies:job_description_list")
    return render(request, "companies/job_description_form.html", {"form": form, "company": company})


@login_required
def job_description_update(request, pk):
    company = get_current_company_or_404(request)
    job_description = _company_job_description_or_404(company, pk)
    form = JobDescriptionForm(
        request.POST or None, company=company, initial=JobDescriptionForm.initial_for(job_description)
    )
    if request.method == "POST" and form.is_valid():
        try:
            job_description = services.job_description_update(
                acting_user=request.user, company=company, job_description=job_description, **form.service_kwargs()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"La fiche de poste « {job_description.display_name} » est à jour.")
            return redirect("companies:job_description_list")
    context = {"form": form, "company": company, "job_description": job_description}
    return render(request, "companies/job_description_form.html", context)


@login_required
@require_POST
def job_description_open(request, pk):
    company = get_current_company_or_404(request)
    job_description = _company_job_description_or_404(company, pk)
    _do(
        request,
        lambda: services.job_description_open(
            acting_user=request.user, company=company, job_description=job_description
        ),
        f"Le recrutement est ouvert pour « {job_description.display_name} » : la fiche est visible sur votre page "
        "publique.",
    )
    return redirect("companies:job_description_list")


@login_required
@require_POST
def job_description_close(request, pk):
    company = get_current_company_or_404(request)
    job_description = _company_job_description_or_404(company, pk)
    _do(
        request,
        lambda: services.job_description_close(
            acting_user=request.user, company=company, job_description=job_description
        ),
        f"Le recrutement est fermé pour « {job_description.display_name} » : la fiche n'est plus proposée aux "
        "candidats. Vous pourrez la rouvrir à tout moment.",
    )
    return redirect("companies:job_description_list")


@login_required
@require_POST
def job_description_move(request, pk):
    company = get_current_company_or_404(request)
    job_description = _company_job_description_or_404(company, pk)
    direction = request.POST.get("direction", "")
    word = "montée" if direction == "up" else "descendue"
    _do(
        request,
        lambda: services.job_description_move(
            acting_user=request.user, company=company, job_description=job_description, direction=direction
        ),
        f"La fiche de poste « {job_description.display_name} » est {word} d'un rang.",
    )
    return redirect(reverse("companies:job_description_list") + f"#fiche-{job_description.pk}")


@login_required
@require_POST
def spontaneous_applications(request):
    """Open, close or confirm ("refresh") the current company's spontaneous applications."""
    company = get_current_company_or_404(request)
    action = request.POST.get("action", "")
    days = JOB_DESCRIPTION_STALE_AFTER.days
    if action == "open":
        _do(
            request,
            lambda: services.company_toggle_spontaneous_applications(
                acting_user=request.user, company=company, is_open=True
            ),
            f"Les candidatures spontanées sont ouvertes pour {days} jours : vous pourrez les confirmer ensuite.",
        )
    elif action == "close":
        _do(
            request,
            lambda: services.company_toggle_spontaneous_applications(
                acting_user=request.user, company=company, is_open=False
            ),
            "Les candidatures spontanées sont fermées : vous ne recevrez plus que des candidatures sur vos fiches "
            "de poste.",
        )
    elif action == "refresh":
        _do(
            request,
            lambda: services.company_refresh_spontaneous_applications(acting_user=request.user, company=company),
            f"C'est noté : les candidatures spontanées restent ouvertes pour {days} jours.",
        )
    else:
        messages.error(request, "Cette action n'existe pas : utilisez les boutons de la page.")
    return redirect("companies:job_description_list")


# ---------------------------------------------------------------------------- "Ma structure"


@login_required
def overview(request):
    """The current company as its members see it, with its antennes. Admins may edit it."""
    company = get_current_company_or_404(request)
    company = Company.objects.select_related("commune", "parent").get(pk=company.pk)
    holder = company.parent or company
    antennes = list(holder.antennes.select_related("commune").order_by("name", "pk"))
    context = {
        "company": company,
        "holder": holder,
        "antennes": antennes,
        "is_admin": request.current_organization.is_admin,
        "map_url": map_url(company),
        **_kind_context(company),
    }
    return render(request, "companies/overview.html", context)


@login_required
def edit(request):
    company = get_current_company_or_404(request, admin=True)
    form = CompanyPublicInfoForm(request.POST or None, initial=CompanyPublicInfoForm.initial_for(company))
    if request.method == "POST" and form.is_valid():
        try:
            services.company_update_public_info(acting_user=request.user, company=company, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Les informations de votre structure sont à jour.")
            return redirect("companies:overview")
    return render(request, "companies/edit.html", {"form": form, "company": company})


@login_required
def antenne_create(request):
    company = get_current_company_or_404(request, admin=True)
    holder = company.parent if company.parent_id else company
    form = AntenneForm(request.POST or None, holder=holder, initial={"name": holder.name})
    if request.method == "POST" and form.is_valid():
        try:
            antenne = services.antenne_create(acting_user=request.user, company=company, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Act for the new antenne from the next page on (the user is its admin).
            remember_current_organization(request, f"company:{antenne.pk}")
            messages.success(
                request,
                f"L'antenne « {antenne.display_name} » est créée et vous en êtes administrateur. Vous agissez "
                "maintenant pour elle : publiez ses fiches de poste. Pour revenir à une autre structure, "
                "utilisez le choix de la structure en haut de la page.",
            )
            return redirect("companies:overview")
    return render(request, "companies/antenne_form.html", {"form": form, "company": company, "holder": holder})
