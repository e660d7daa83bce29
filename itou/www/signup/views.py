"""Signup: who are you? Then the paths of employers and prescribers (job seekers use
allauth's signup page). docs/rejoindre-une-organisation.md describes them."""

from urllib.parse import urlencode

from allauth.account import app_settings as allauth_settings
from allauth.account.utils import complete_signup
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from itou.companies.models import Company
from itou.companies.perms import EMPLOYER_SIGNUP_KINDS, company_signup_email
from itou.companies.services import (
    company_join_with_signup_link,
    company_signup_candidates,
    company_signup_link_check,
    company_signup_link_get,
    company_signup_link_send,
    company_support_request_create,
)
from itou.companies.validators import clean_siret
from itou.invitations.emails import mask_email
from itou.invitations.organizations import act_for, display_name
from itou.invitations.services import ActionError, EmailTaken
from itou.prescribers.models import PrescriberOrganization
from itou.prescribers.services import (
    prescriber_organization_create,
    prescriber_organization_join_request,
    prescriber_organizations_for_siret,
)
from itou.sirene.client import lookup_siret
from itou.www.dev.visibility import remember_address_without_account
from itou.www.signup.pro_forms import (
    EmployerSupportForm,
    PrescriberOrganizationForm,
    ProfessionalAccountForm,
    SiretForm,
)

LINK_SENT_SESSION_KEY = "signup_employer_link_sent"
SUPPORT_SENT_SESSION_KEY = "signup_support_request_sent"


def choose_kind(request):
    """Who are you? Each profile is pointed to its path."""
    return render(request, "signup/choose_kind.html")


def _is_other_kind_of_account(user) -> bool:
    """Logged in with an account that cannot join an organization (job seeker, staff)."""
    return user.is_authenticated and not user.is_professional


def _wrong_account(request):
    return render(request, "signup/wrong_account.html")


def _problem(request, message: str, *, title="Ce lien ne fonctionne pas"):
    """An expired, reused or unknown link: say why and what to do, change nothing."""
    return render(request, "signup/problem.html", {"message": message, "title": title})


def _email_taken_response(request, email: str):
    """The same answer as a new account waiting for its email confirmation; nothing is
    created, and the address's owner is told by email that they already have an account."""
    from allauth.account.adapter import get_adapter
    from allauth.account.internal.flows.email_verification import add_email_verification_sent_message

    get_adapter().send_account_already_exists_mail(email)
    add_email_verification_sent_message(request, email, signup=True)
    return redirect("account_email_verification_sent")


def _new_account_response(request, user, message: str):
    """Log the new account in, or ask to confirm its email first (allauth's flow)."""
    messages.success(request, message)
    return complete_signup(request, user, allauth_settings.EMAIL_VERIFICATION, reverse("dashboard:index"))


# Employers --------------------------------------------------------------------------


def employer_siret(request):
    """Type a SIRET; see the structures registered with it (or the same SIREN)."""
    form = SiretForm(request.GET or None)
    siret, companies = "", None
    if form.is_bound and form.is_valid():
        siret = form.cleaned_data["siret"]
        companies = list(company_signup_candidates(siret))
        for company in companies:
            email = company_signup_email(company)
            company.masked_signup_email = mask_email(email) if email else ""
    return render(request, "signup/employer_siret.html", {"form": form, "companies": companies, "siret": siret})


@require_POST
def employer_send_link(request, company_pk):
    company = get_object_or_404(
        Company.objects.active().filter(kind__in=EMPLOYER_SIGNUP_KINDS).select_related("parent"), pk=company_pk
    )
    try:
        link = company_signup_link_send(company=company)
    except ActionError as error:
        messages.warning(request, error.message)
        return redirect(f"{reverse('signup:employer_siret')}?{urlencode({'siret': company.siret})}")
    remember_address_without_account(request, link.email)  # demo mailbox
    request.session[LINK_SENT_SESSION_KEY] = company.pk
    return redirect("signup:employer_link_sent")


def employer_link_sent(request):
    company = Company.objects.select_related("parent").filter(pk=request.session.get(LINK_SENT_SESSION_KEY)).first()
    if company is None:
        return redirect("signup:employer_siret")
    return render(
        request,
        "signup/employer_link_sent.html",
        {"company": company, "masked_email": mask_email(company_signup_email(company))},
    )


def employer_link(request, token):
    """Follow the link received at the structure's official address: create the account
    (or use the logged-in one) and join the structure."""
    try:
        link = company_signup_link_check(company_signup_link_get(token))
    except ActionError as error:
        return _problem(request, error.message)
    if _is_other_kind_of_account(request.user):
        return _wrong_account(request)
    anonymous = not request.user.is_authenticated
    form = ProfessionalAccountForm(request.POST or None) if anonymous else None
    if request.method == "POST" and (form is None or form.is_valid()):
        if form is not None and form.email_taken:
            return _email_taken_response(request, form.cleaned_data["email"])
        try:
            result = company_join_with_signup_link(
                acting_user=None if anonymous else request.user,
                token=token,
                new_account=form.new_account() if anonymous else None,
            )
        except EmailTaken as error:
            form.add_error("email", error.message)
        except ActionError as error:
            if anonymous:
                return _problem(request, error.message)
            messages.warning(request, error.message)
            return redirect("dashboard:index")
        else:
            name = result.company.display_name
            if result.membership:
                message = f"Votre compte est créé : vous êtes administrateur de la structure {name}."
            else:
                message = (
                    f"Votre demande pour rejoindre la structure {name} a été envoyée à ses administrateurs : "
                    "vous recevrez leur réponse par e-mail."
                )
            if anonymous:
                return _new_account_response(request, result.user, message)
            messages.success(request, message)
            if result.membership:
                act_for(request, result.company)
            return redirect("dashboard:index")
    return render(request, "signup/employer_link.html", {"link": link, "company": link.company, "form": form})


def employer_support(request):
    """No structure for this SIRET (or no official email): write to the support team."""
    initial = {"siret": request.GET.get("siret", "")}
    if request.user.is_authenticated:
        initial |= {"first_name": request.user.first_name, "last_name": request.user.last_name}
        initial["email"] = request.user.email
    form = EmployerSupportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        support_request = company_support_request_create(
            acting_user=request.user if request.user.is_authenticated else None, **form.cleaned_data
        )
        request.session[SUPPORT_SENT_SESSION_KEY] = support_request.email
        return redirect("signup:employer_support_sent")
    return render(request, "signup/employer_support.html", {"form": form})


def employer_support_sent(request):
    email = request.session.get(SUPPORT_SENT_SESSION_KEY)
    if not email:
        return redirect("signup:employer_support")
    return render(request, "signup/employer_support_sent.html", {"email": email})


# Prescribers ------------------------------------------------------------------------


def prescriber_siret(request):
    """Type a SIRET: join an organization registered with it, or create it."""
    form = SiretForm(request.GET or None)
    siret, organizations = "", None
    if form.is_bound and form.is_valid():
        siret = form.cleaned_data["siret"]
        organizations = list(prescriber_organizations_for_siret(siret))
        if not organizations:
            messages.info(
                request,
                f"Aucune organisation n'est encore inscrite avec le SIRET {siret} : vous pouvez la créer ci-dessous.",
            )
            return redirect(f"{reverse('signup:prescriber_create')}?{urlencode({'siret': siret})}")
    return render(
        request,
        "signup/prescriber_siret.html",
        {"form": form, "organizations": organizations, "siret": siret},
    )


def prescriber_join(request, organization_pk):
    """Ask to join an existing organization: its admins decide."""
    organization = get_object_or_404(PrescriberOrganization.objects.select_related("commune"), pk=organization_pk)
    if _is_other_kind_of_account(request.user):
        return _wrong_account(request)
    anonymous = not request.user.is_authenticated
    form = ProfessionalAccountForm(request.POST or None) if anonymous else None
    if request.method == "POST" and (form is None or form.is_valid()):
        if form is not None and form.email_taken:
            return _email_taken_response(request, form.cleaned_data["email"])
        try:
            join_request = prescriber_organization_join_request(
                acting_user=None if anonymous else request.user,
                new_account=form.new_account() if anonymous else None,
                organization=organization,
            )
        except EmailTaken as error:
            form.add_error("email", error.message)
        except ActionError as error:
            if anonymous:
                form.add_error(None, error.message)
            else:
                messages.warning(request, error.message)
                return redirect("dashboard:index")
        else:
            message = (
                f"Votre demande pour rejoindre l'organisation {organization.name} a été envoyée à ses "
                "administrateurs : vous recevrez leur réponse par e-mail."
            )
            if anonymous:
                return _new_account_response(request, join_request.user, message)
            messages.success(request, message)
            return redirect("dashboard:index")
    return render(request, "signup/prescriber_join.html", {"organization": organization, "form": form})


def _initial_from_sirene(siret: str) -> dict:
    from itou.geo.models import Commune

    establishment = lookup_siret(siret)
    if establishment is None:
        return {}
    initial = {"name": establishment.name, "address_line": establishment.address_line}
    initial["post_code"] = establishment.post_code
    commune = Commune.objects.filter(code=establishment.commune_code).first()
    if commune:
        initial |= {"commune": str(commune), "commune_code": commune.code}
    return initial


def prescriber_create(request):
    """Create the organization (and the account): its creator becomes its admin."""
    try:
        siret = clean_siret(request.GET.get("siret", ""))
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("signup:prescriber_siret")
    if _is_other_kind_of_account(request.user):
        return _wrong_account(request)
    anonymous = not request.user.is_authenticated
    data = request.POST if request.method == "POST" else None
    initial = _initial_from_sirene(siret) if data is None else {}
    org_form = PrescriberOrganizationForm(data, siret=siret, initial=initial)
    account_form = ProfessionalAccountForm(data) if anonymous else None
    forms_valid = org_form.is_valid() & (account_form is None or account_form.is_valid())
    if data is not None and forms_valid:
        if account_form is not None and account_form.email_taken:
            return _email_taken_response(request, account_form.cleaned_data["email"])
        try:
            result = prescriber_organization_create(
                acting_user=None if anonymous else request.user,
                new_account=account_form.new_account() if anonymous else None,
                siret=siret,
                **org_form.organization_fields(),
            )
        except EmailTaken as error:
            account_form.add_error("email", error.message)
        except ActionError as error:
            org_form.add_error(None, error.message)
        else:
            organization = result.organization
            if organization.is_authorized:
                status = "Elle est habilitée de droit : vous êtes prescripteur habilité."
            else:
                status = (
                    "L'équipe support va vérifier son habilitation et vous écrira ; en attendant, vous êtes orienteur."
                )
            message = f"L'organisation {display_name(organization)} est créée et vous en êtes administrateur. {status}"
            if anonymous:
                return _new_account_response(request, result.user, message)
            messages.success(request, message)
            act_for(request, organization)
            return redirect("dashboard:index")
    existing = prescriber_organizations_for_siret(siret)
    return render(
        request,
        "signup/prescriber_create.html",
        {"siret": siret, "org_form": org_form, "account_form": account_form, "existing": existing},
    )
