"""Applying to an employer ("postuler"): one guided, resumable journey for the three senders.

- a job seeker for themself: (their profile, if incomplete) → job descriptions → message
  and CV → summary;
- a prescriber for a job seeker, an employer for its own company (auto-prescription):
  the person (found, or created on the way) → job descriptions → message and CV → summary.

What was typed stays in the session (itou.www.apply.flow); the rules are checked by
itou.job_applications.apply, again when the application is sent. See docs/postuler.md.
"""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from itou.audit.services import PERSON_LOOKUP_THROTTLED_MESSAGE, person_lookup_record, person_lookup_throttled
from itou.companies.enums import CompanyKind
from itou.companies.models import Company, JobDescription
from itou.geo.models import Commune
from itou.job_applications import apply as apply_rules
from itou.job_applications.enums import SenderKind
from itou.job_applications.models import RESUME_MAX_SIZE
from itou.users import services as user_services
from itou.users.enums import EducationLevel, LackOfNIRReason, UserKind
from itou.users.models import JobSeekerProfile, User
from itou.www.apply.flow import Flow, Step
from itou.www.apply.forms import (
    MESSAGE_MAX_LENGTH,
    JobsForm,
    MessageForm,
    NewJobSeekerForm,
    PersonSearchForm,
    ProfileCompletionForm,
    profile_fields_to_complete,
)
from itou.www.dev.visibility import remember_address

# A request carrying more than this is refused before its body is read: the CV limit plus
# room for the message and the multipart envelope.
MAX_MESSAGE_REQUEST_SIZE = RESUME_MAX_SIZE + 256 * 1024


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def company_page_url(company) -> str:
    """The public page of the company."""
    return reverse("companies:detail", args=[company.pk])


def application_url(flow) -> str:
    """Where to go once sent: the application's page."""
    return reverse("applications:detail", args=[flow["sent_id"]])


def _organization_key(request) -> str | None:
    current = request.current_organization if request.user.is_professional else None
    return current.key if current else None


def _not_allowed(request, company, error: PermissionDenied):
    return render(
        request,
        "apply/not_allowed.html",
        {
            "company": company,
            "reason": str(error) or "Vous ne pouvez pas postuler ici.",
            "company_url": company_page_url(company),
        },
        status=403,
    )


def _next_url(flow) -> str:
    return flow.url(flow.first_incomplete_step())


def _back_url(flow, step, company) -> str:
    previous = flow.previous_step(step)
    return flow.url(previous) if previous else company_page_url(company)


def _context(flow, company, step, heading, **extra) -> dict:
    return {
        "flow_id": flow.id,
        "company": company,
        "company_url": company_page_url(company),
        "stepper": flow.stepper(step),
        "heading": heading,
        "for_self": flow["sender_kind"] == SenderKind.JOB_SEEKER,
        **extra,
    }


def flow_view(step: str):
    """Load the journey of the URL (404 when unknown to this session or user, or when the
    company is no longer active), check the user still acts as at its start, and send
    them to the first step still to do before `step`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, flow_id, *args, **kwargs):
            flow = Flow.get_or_404(request, flow_id)
            company = get_object_or_404(Company.objects.active().select_related("commune"), pk=flow["company_id"])
            if flow.is_sent:
                messages.info(request, "Cette candidature a déjà été envoyée.")
                return redirect(application_url(flow))
            if flow["organization_key"] != _organization_key(request):
                messages.warning(
                    request,
                    "Vous avez changé d'organisation pendant la candidature : elle reprend pour l'organisation "
                    "choisie maintenant.",
                )
                return redirect("apply:start", company_pk=company.pk)
            try:
                apply_rules.apply_sender_for(
                    user=request.user, current_organization=request.current_organization, company=company
                )
            except PermissionDenied as error:
                return _not_allowed(request, company, error)
            if step in flow.steps:
                missing = flow.missing_before(step)
                if missing:
                    return redirect(flow.url(missing))
            return view(request, flow, company, *args, **kwargs)

        return login_required(wrapper)

    return decorator


def _job_seeker(flow) -> User | None:
    if not flow["job_seeker_id"]:
        return None
    return User.objects.select_related("jobseeker_profile").filter(pk=flow["job_seeker_id"]).first()


def _chosen_jobs(flow, company) -> list:
    ids = flow["job_ids"] or []
    if not ids:
        return []
    return list(JobDescription.objects.filter(company=company, pk__in=ids).select_related("appellation", "location"))


# --------------------------------------------------------------------------------------
# Start
# --------------------------------------------------------------------------------------


@login_required
def start(request, company_pk):
    """Entry point, from the company's page: /postuler/<company_pk>/ (optionally ?job=<pk>)."""
    company = get_object_or_404(Company.objects.active().select_related("commune"), pk=company_pk)
    try:
        sender = apply_rules.apply_sender_for(
            user=request.user, current_organization=request.current_organization, company=company
        )
    except PermissionDenied as error:
        return _not_allowed(request, company, error)
    if not apply_rules.company_accepts_applications(company):
        return render(
            request,
            "apply/closed.html",
            {
                "company": company,
                "company_url": company_page_url(company),
                "receives_applications": apply_rules.company_receives_applications(company),
            },
        )

    job_ids = []
    job_param = request.GET.get("job", "")
    if job_param:
        job = (
            JobDescription.objects.open().filter(company=company, pk=int(job_param)).first()
            if job_param.isdigit() and len(job_param) < 10
            else None
        )
        if job is None:
            messages.warning(
                request,
                "Cette fiche de poste n'est plus ouverte ou n'appartient pas à cette structure : choisissez parmi "
                "les fiches de poste ouvertes.",
            )
        else:
            job_ids = [job.pk]

    organization_key = _organization_key(request)
    flow = Flow.find_unsent(request, company_id=company.pk, organization_key=organization_key)
    if flow is not None:
        if job_ids and not flow["jobs_done"]:
            flow["job_ids"] = job_ids
            flow.save()
        messages.info(request, "Vous reprenez la candidature commencée : ce que vous aviez saisi est conservé.")
        return redirect(_next_url(flow))

    if sender.kind == SenderKind.JOB_SEEKER:
        try:
            apply_rules.check_delay_since_last_application(job_seeker=request.user, company=company, for_self=True)
        except apply_rules.ApplicationTooSoon as error:
            return render(
                request,
                "apply/blocked.html",
                {"company": company, "company_url": company_page_url(company), "reason": error.message},
            )
        profile = JobSeekerProfile.objects.filter(user=request.user).first()
        profile_fields = profile_fields_to_complete(profile)
        steps = ([Step.PROFILE] if profile_fields else []) + [Step.JOBS, Step.MESSAGE, Step.SUMMARY]
        flow = Flow.create(
            request,
            company=company,
            sender_kind=sender.kind,
            organization_key=None,
            steps=steps,
            job_seeker_id=request.user.pk,
            profile_fields=profile_fields,
            job_ids=job_ids,
        )
    else:
        # An authorized prescriber makes (or keeps) the diagnosis before sending.
        with_diagnosis = apply_rules.sender_makes_diagnosis(
            sender_kind=sender.kind, sender_organization=sender.organization, company=company
        )
        flow = Flow.create(
            request,
            company=company,
            sender_kind=sender.kind,
            organization_key=organization_key,
            steps=[Step.PERSON, Step.JOBS, Step.MESSAGE, *([Step.DIAGNOSIS] if with_diagnosis else []), Step.SUMMARY],
            job_ids=job_ids,
        )
    return redirect(_next_url(flow))


# --------------------------------------------------------------------------------------
# The person (prescribers and employers)
# --------------------------------------------------------------------------------------


def _professional_only(flow):
    if Step.PERSON not in flow.steps:
        raise Http404


@flow_view(Step.PERSON)
def person(request, flow, company):
    _professional_only(flow)
    search = flow["person_search"] or {}
    initial = {key: value for key, value in search.items() if key != "nir"}
    form = PersonSearchForm(request.POST or None, stored_nir=search.get("nir", ""), initial=initial)
    if request.method == "POST":
        if request.POST.get("action") == "back":
            flow["person_search"] = {
                **search,
                **{
                    key: str(request.POST.get(key, ""))[:255]
                    for key in ("email", "first_name", "last_name", "birthdate")
                },
            }
            flow.save()
            return redirect(company_page_url(company))
        if form.is_valid():
            flow["person_search"] = form.session_data()
            flow.save()
            data = form.cleaned_data
            if person_lookup_throttled(user=request.user, organization_key=flow["organization_key"]):
                form.add_error(None, PERSON_LOOKUP_THROTTLED_MESSAGE)
                return render(
                    request,
                    "apply/person_search.html",
                    _context(flow, company, Step.PERSON, "Rechercher le candidat", form=form),
                    status=429,
                )
            result = apply_rules.job_seeker_lookup(
                nir=data["nir"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                birthdate=data["birthdate"],
                exclude_ids=flow["declined_ids"] or [],
            )
            found = result.job_seeker
            # Name + birth date found them: that is the proof. NIR or email: it must be given too.
            proven = found is not None and (
                result.matched_by == apply_rules.MatchedBy.NAME_AND_BIRTHDATE
                or apply_rules.job_seeker_identity_matches(
                    found, first_name=data["first_name"], last_name=data["last_name"], birthdate=data["birthdate"]
                )
            )
            person_lookup_record(
                user=request.user,
                organization_key=flow["organization_key"],
                matched_by=result.matched_by if found else "",
                proven=proven,
            )
            if result.problem:
                form.add_error(None, result.problem)
            elif found is not None and not proven:
                form.add_error(None, _unproven_message(result.matched_by, data))
            elif found is not None:
                flow["candidate"] = {"id": found.pk, "matched_by": result.matched_by}
                flow.save()
                return redirect("apply:person_confirm", flow_id=flow.id)
            else:
                _prefill_creation_from_search(flow)
                flow.save()
                messages.info(request, "Aucun candidat ne correspond à ces informations : créez son compte ci-dessous.")
                return redirect("apply:person_create", flow_id=flow.id)
    return render(
        request,
        "apply/person_search.html",
        _context(flow, company, Step.PERSON, "Rechercher le candidat", form=form),
    )


def _unproven_message(matched_by: str, data: dict) -> str:
    """Found by NIR or email, but who it is stays hidden until names and birth date match."""
    what = {
        apply_rules.MatchedBy.NIR: "ce numéro de sécurité sociale",
        apply_rules.MatchedBy.EMAIL: "cette adresse e-mail",
    }.get(matched_by, "ces informations")
    if not (data["first_name"] and data["last_name"] and data["birthdate"]):
        return (
            f"Un compte candidat correspond à {what}. Pour l'afficher, indiquez aussi les prénom, nom et date de "
            "naissance de la personne : ils doivent être ceux du compte."
        )
    return (
        f"Un compte candidat correspond à {what}, mais pas avec ces prénom, nom et date de naissance. Vérifiez-les "
        "avec la personne (nom de naissance, orthographe, date), ou le numéro et l'adresse e-mail."
    )


def _prefill_creation_from_search(flow) -> None:
    """The creation form starts from what was typed in the search (the NIR stays server-side)."""
    typed = {key: value for key, value in (flow["person_search"] or {}).items() if value}
    flow["new_person_draft"] = {**(flow["new_person_draft"] or {}), **typed}


MATCHED_BY_LABELS = {
    apply_rules.MatchedBy.NIR: "son numéro de sécurité sociale",
    apply_rules.MatchedBy.EMAIL: "son adresse e-mail",
    apply_rules.MatchedBy.NAME_AND_BIRTHDATE: "ses nom, prénom et date de naissance",
}


@flow_view(Step.PERSON)
def person_confirm(request, flow, company):
    _professional_only(flow)
    candidate_info = flow["candidate"] or {}
    candidate = (
        User.objects.select_related("jobseeker_profile")
        .filter(pk=candidate_info.get("id"), kind=UserKind.JOB_SEEKER)
        .first()
    )
    if candidate is None:
        return redirect("apply:person", flow_id=flow.id)
    matched_by = candidate_info.get("matched_by")
    error = ""
    if request.method == "POST":
        if request.POST.get("action") == "yes":
            try:
                apply_rules.check_delay_since_last_application(job_seeker=candidate, company=company, for_self=False)
            except apply_rules.ApplicationTooSoon as too_soon:
                error = too_soon.message
            else:
                flow["job_seeker_id"] = candidate.pk
                flow["new_job_seeker"] = None
                flow["candidate"] = None
                flow.save()
                return redirect(_next_url(flow))
        elif request.POST.get("action") == "no":
            flow["candidate"] = None
            if matched_by == apply_rules.MatchedBy.NAME_AND_BIRTHDATE:
                flow["declined_ids"] = [*(flow["declined_ids"] or []), candidate.pk]
                if not flow["new_person_draft"]:
                    _prefill_creation_from_search(flow)
                flow.save()
                return redirect("apply:person_create", flow_id=flow.id)
            # The NIR or email that found someone else is forgotten, not searched again.
            forgotten = "nir" if matched_by == apply_rules.MatchedBy.NIR else "email"
            flow["person_search"] = {**(flow["person_search"] or {}), forgotten: ""}
            if flow["new_person_draft"]:
                flow["new_person_draft"] = {**flow["new_person_draft"], forgotten: ""}
            flow.save()
            if matched_by == apply_rules.MatchedBy.NIR:
                messages.error(
                    request,
                    "Ce numéro de sécurité sociale est celui du compte affiché : un numéro n'appartient qu'à une "
                    "personne. Vérifiez les 15 chiffres avec le candidat.",
                )
            else:
                messages.error(
                    request,
                    "Cette adresse e-mail est celle du compte affiché : une adresse n'appartient qu'à un compte. "
                    "Vérifiez-la avec le candidat, ou cherchez-le autrement.",
                )
            return redirect("apply:person", flow_id=flow.id)
    profile = getattr(candidate, "jobseeker_profile", None)
    return render(
        request,
        "apply/person_confirm.html",
        _context(
            flow,
            company,
            Step.PERSON,
            "Confirmer le candidat",
            candidate=candidate,
            profile=profile,
            matched_by_label=MATCHED_BY_LABELS.get(matched_by, ""),
            error=error,
        ),
    )


@flow_view(Step.PERSON)
def person_create(request, flow, company):
    _professional_only(flow)
    # The latest typed (a draft kept by "Retour") first, else the validated person.
    data = flow["new_person_draft"] or flow["new_job_seeker"] or {}
    form = NewJobSeekerForm(
        request.POST or None, stored_nir=data.get("nir", ""), initial=NewJobSeekerForm.initial_from(data)
    )
    if request.method == "POST":
        if request.POST.get("action") == "back":
            flow["new_person_draft"] = {**NewJobSeekerForm.draft_from(request.POST), "nir": data.get("nir", "")}
            flow.save()
            return redirect("apply:person", flow_id=flow.id)
        # The creation form says whether a NIR or an email is taken: a lookup too.
        if person_lookup_throttled(user=request.user, organization_key=flow["organization_key"]):
            # The form is not validated: its errors would answer the lookup.
            messages.error(request, PERSON_LOOKUP_THROTTLED_MESSAGE)
            unbound = NewJobSeekerForm(stored_nir=data.get("nir", ""), initial=NewJobSeekerForm.initial_from(data))
            return render(
                request,
                "apply/person_create.html",
                _context(flow, company, Step.PERSON, "Créer le compte du candidat", form=unbound),
                status=429,
            )
        person_lookup_record(user=request.user, organization_key=flow["organization_key"])
        if form.is_valid():
            new = form.session_data()
            flow["new_person_draft"] = new
            # Never a duplicate: the email and the name + birthdate are looked up again.
            result = apply_rules.job_seeker_lookup(
                nir=new["nir"],
                email=new["email"],
                first_name=new["first_name"],
                last_name=new["last_name"],
                birthdate=form.cleaned_data["birthdate"],
                exclude_ids=flow["declined_ids"] or [],
            )
            if result.problem:
                form.add_error(None, result.problem)
            elif result.job_seeker is not None:
                flow["candidate"] = {"id": result.job_seeker.pk, "matched_by": result.matched_by}
                flow["new_job_seeker"] = None
                flow.save()
                messages.warning(
                    request,
                    "Un compte existe peut-être déjà pour cette personne : vérifiez s'il s'agit bien d'elle.",
                )
                return redirect("apply:person_confirm", flow_id=flow.id)
            else:
                flow["new_job_seeker"] = new
                flow["job_seeker_id"] = None
                flow.save()
                return redirect(_next_url(flow))
            flow.save()
    return render(
        request,
        "apply/person_create.html",
        _context(flow, company, Step.PERSON, "Créer le compte du candidat", form=form),
    )


# --------------------------------------------------------------------------------------
# The job seeker's profile
# --------------------------------------------------------------------------------------


@flow_view(Step.PROFILE)
def complete_profile(request, flow, company):
    if Step.PROFILE not in flow.steps:
        raise Http404
    user = request.user
    job_seeker_profile = JobSeekerProfile.objects.select_related("commune").filter(user=user).first()
    form = ProfileCompletionForm(
        request.POST or None,
        job_seeker=user,
        profile=job_seeker_profile,
        names=flow["profile_fields"] or [],
        initial=ProfileCompletionForm.initial_for(job_seeker_profile),
    )
    if request.method == "POST" and form.is_valid():
        try:
            user_services.job_seeker_profile_update(
                acting_user=user, job_seeker=user, user_fields={}, profile_fields=form.profile_fields()
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            flow["profile_done"] = True
            flow.save()
            messages.success(request, "Votre profil est complété.")
            return redirect(_next_url(flow))
    return render(
        request,
        "apply/profile.html",
        _context(flow, company, Step.PROFILE, "Compléter votre profil", form=form),
    )


# --------------------------------------------------------------------------------------
# Job descriptions
# --------------------------------------------------------------------------------------


@flow_view(Step.JOBS)
def jobs(request, flow, company):
    job_descriptions = apply_rules.open_job_descriptions(company)
    open_jobs = list(job_descriptions)
    if not open_jobs and not company.spontaneous_applications_open:
        return render(
            request,
            "apply/closed.html",
            {"company": company, "company_url": company_page_url(company), "receives_applications": True},
        )
    form = JobsForm(
        request.POST or None,
        job_descriptions=job_descriptions,
        spontaneous_open=company.spontaneous_applications_open,
        # Spontaneous as the only possibility: already ticked.
        initial={"job_descriptions": flow["job_ids"] or [], "spontaneous": flow["spontaneous"] or not open_jobs},
    )
    if request.method == "POST":
        if request.POST.get("action") == "back":
            open_ids = {job.pk for job in open_jobs}
            flow["job_ids"] = [
                int(value)
                for value in request.POST.getlist("job_descriptions")
                if value.isdigit() and len(value) < 10 and int(value) in open_ids
            ]
            flow["spontaneous"] = bool(request.POST.get("spontaneous")) and company.spontaneous_applications_open
            flow.save()
            return redirect(_back_url(flow, Step.JOBS, company))
        if form.is_valid():
            flow["job_ids"] = [job.pk for job in form.cleaned_data["job_descriptions"]]
            flow["spontaneous"] = not flow["job_ids"]
            flow["jobs_done"] = True
            flow.save()
            return redirect(_next_url(flow))
    return render(
        request,
        "apply/jobs.html",
        _context(
            flow,
            company,
            Step.JOBS,
            "Choisir les postes",
            form=form,
            open_jobs=open_jobs,
            back_url=_back_url(flow, Step.JOBS, company),
        ),
    )


# --------------------------------------------------------------------------------------
# Message and CV
# --------------------------------------------------------------------------------------


class ResumeSizeLimitUploadHandler(FileUploadHandler):
    """Stops reading an uploaded file past RESUME_MAX_SIZE: the rest of it is discarded
    (never written anywhere) while the other fields of the form are still read."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > RESUME_MAX_SIZE:
            self.request.apply_resume_too_big = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def _message_form(flow, company, data=None, files=None, resume_too_big=False):
    chosen = _chosen_jobs(flow, company)
    for_self = flow["sender_kind"] == SenderKind.JOB_SEEKER
    if flow["sender_kind"] == SenderKind.EMPLOYER:
        help_text = "Facultatif : ce que vos collègues doivent savoir sur cette candidature."
    elif for_self:
        help_text = "Présentez-vous en quelques lignes : ce que vous cherchez, vos expériences, vos disponibilités."
    else:
        help_text = (
            "Présentez le candidat et son parcours : ce qu'il cherche, ses atouts, ce qui peut freiner son "
            "embauche, et comment vous joindre."
        )
    form = MessageForm(
        data,
        files,
        message_required=flow["sender_kind"] != SenderKind.EMPLOYER,
        message_help=help_text,
        cv_required_for=[job.display_name for job in chosen if job.is_cv_required],
        stored_resume=flow["resume"],
        resume_too_big=resume_too_big,
        initial={"message": flow["message"] or ""},
    )
    return form


def _render_message(request, flow, company, form, status=200, upload_error=""):
    return render(
        request,
        "apply/message.html",
        _context(
            flow,
            company,
            Step.MESSAGE,
            "Message et CV",
            form=form,
            resume=flow["resume"],
            resume_max_mb=RESUME_MAX_SIZE // (1024 * 1024),
            back_url=_back_url(flow, Step.MESSAGE, company),
            upload_error=upload_error,
        ),
        status=status,
    )


def _store_resume(flow, file) -> None:
    name = apply_rules.resume_draft_store(flow_id=flow.id, file=file)
    flow["resume"] = {"name": name, "filename": (file.name or "cv.pdf")[-100:], "size": file.size}


@flow_view(Step.MESSAGE)
def _message_post(request, flow, company):
    form = _message_form(
        flow,
        company,
        request.POST,
        request.FILES,
        resume_too_big=getattr(request, "apply_resume_too_big", False),
    )
    if request.POST.get("action") == "back":
        # Keep what was typed; a file is kept only when it is a valid CV.
        flow["message"] = str(request.POST.get("message", ""))[:MESSAGE_MAX_LENGTH]
        file = request.FILES.get("resume")
        if file and not getattr(request, "apply_resume_too_big", False):
            try:
                _store_resume(flow, file)
            except ValidationError:
                messages.warning(
                    request, "Le fichier joint n'a pas été gardé : ce n'est pas un CV au format PDF valide."
                )
        flow.save()
        return redirect(_back_url(flow, Step.MESSAGE, company))
    if not form.is_valid():
        return _render_message(request, flow, company, form)
    if form.cleaned_data.get("remove_resume"):
        apply_rules.resume_draft_delete(flow["resume"]["name"])
        flow["resume"] = None
    if form.cleaned_data.get("resume"):
        _store_resume(flow, form.cleaned_data["resume"])
    flow["message"] = form.cleaned_data["message"].strip()
    flow["message_done"] = True
    flow.save()
    return redirect(_next_url(flow))


_message_post_protected = csrf_protect(_message_post)


@flow_view(Step.MESSAGE)
def _message_get(request, flow, company, resume_too_big_size=None):
    form = _message_form(flow, company)
    if resume_too_big_size is None:
        return _render_message(request, flow, company, form)
    # The body was not read: nothing typed with this file could be kept.
    upload_error = (
        f"{apply_rules.resume_size_message(resume_too_big_size)} Rien n'a été enregistré : vérifiez votre message "
        "ci-dessous, puis joignez un fichier plus léger."
    )
    return _render_message(request, flow, company, form, status=413, upload_error=upload_error)


@csrf_exempt
def message(request, flow_id):
    """CSRF is checked by `_message_post_protected`, once the upload limit is in place:
    an oversized request is answered before its body is read (nothing is saved then)."""
    if request.method != "POST":
        return _message_get(request, flow_id)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_MESSAGE_REQUEST_SIZE:
        return _message_get(request, flow_id, resume_too_big_size=length)
    request.upload_handlers.insert(0, ResumeSizeLimitUploadHandler(request))
    return _message_post_protected(request, flow_id)


# --------------------------------------------------------------------------------------
# Summary and sending
# --------------------------------------------------------------------------------------


def _new_job_seeker_fields(new: dict) -> dict:
    commune = Commune.objects.filter(code=new["commune_code"]).first() if new.get("commune_code") else None
    return {
        "first_name": new["first_name"],
        "last_name": new["last_name"],
        "birthdate": parse_date(new["birthdate"]),
        "nir": new.get("nir", ""),
        "lack_of_nir_reason": new.get("lack_of_nir_reason", ""),
        "email": new.get("email", ""),
        "phone": new.get("phone", ""),
        "commune": commune,
        "education_level": new.get("education_level", ""),
    }


def _back_to(request, flow, step, message_text):
    messages.error(request, message_text)
    done_key = {Step.JOBS: "jobs_done", Step.MESSAGE: "message_done", Step.PROFILE: "profile_done"}.get(step)
    if done_key:
        flow[done_key] = False
    if step == Step.PERSON:
        flow["job_seeker_id"] = None if Step.PERSON in flow.steps else flow["job_seeker_id"]
        if flow["new_job_seeker"]:
            flow["new_person_draft"] = flow["new_job_seeker"]
            flow["new_job_seeker"] = None
    flow.save()
    if step not in flow.steps:
        return redirect("apply:summary", flow_id=flow.id)
    return redirect(flow.url(step))


@flow_view(Step.SUMMARY)
def summary(request, flow, company):
    # What may have changed since the steps were done: closed jobs, a CV now required.
    chosen = _chosen_jobs(flow, company)
    try:
        apply_rules.check_selection(company=company, job_ids=flow["job_ids"] or [], job_descriptions=chosen)
    except apply_rules.SelectionNoLongerOpen as error:
        return _back_to(request, flow, Step.JOBS, error.message)
    cv_required_for = [job.display_name for job in chosen if job.is_cv_required]
    if cv_required_for and not flow["resume"]:
        names = ", ".join(f"« {name} »" for name in cv_required_for)
        return _back_to(request, flow, Step.MESSAGE, f"Un CV est demandé pour {names} : joignez-le au format PDF.")

    job_seeker = _job_seeker(flow)
    new = flow["new_job_seeker"]
    if job_seeker is None and not new:
        return redirect(flow.url(flow.first_incomplete_step()))
    for_self = flow["sender_kind"] == SenderKind.JOB_SEEKER
    blocking = ""
    if job_seeker is not None:
        try:
            apply_rules.check_delay_since_last_application(job_seeker=job_seeker, company=company, for_self=for_self)
        except apply_rules.ApplicationTooSoon as error:
            blocking = error.message

    if request.method == "POST" and not blocking:
        return _send(request, flow, company, job_seeker, chosen)
    if request.method == "POST":
        messages.error(request, blocking)

    new_display = None
    if new:
        new_display = {
            **new,
            "birthdate": parse_date(new["birthdate"]),
            "masked_nir": f"{new['nir'][:5]} •• ••• ••• ••" if new.get("nir") else "",
            "lack_of_nir_reason_label": LackOfNIRReason(new["lack_of_nir_reason"]).label
            if new.get("lack_of_nir_reason")
            else "",
            "education_level_label": EducationLevel(new["education_level"]).label if new.get("education_level") else "",
        }
    return render(
        request,
        "apply/summary.html",
        _context(
            flow,
            company,
            Step.SUMMARY,
            "Vérifier puis envoyer la candidature",
            job_seeker=job_seeker,
            profile=getattr(job_seeker, "jobseeker_profile", None) if job_seeker else None,
            new_job_seeker=new_display,
            chosen_jobs=chosen,
            message=flow["message"],
            resume=flow["resume"],
            blocking=blocking,
            person_url=flow.url(Step.PERSON) if Step.PERSON in flow.steps else "",
            back_url=_back_url(flow, Step.SUMMARY, company),
            eligibility=_prescriber_eligibility(request, flow, company, job_seeker),
        ),
    )


def _current_prescriber_diagnosis(company, job_seeker):
    """The job seeker's valid diagnosis by an authorized prescriber (GEIQ for a GEIQ), or None."""
    from itou.eligibility.queries import get_valid_diagnosis, get_valid_geiq_diagnosis

    if job_seeker is None:
        return None
    if company.kind == CompanyKind.GEIQ:
        return get_valid_geiq_diagnosis(job_seeker=job_seeker)
    diagnosis = get_valid_diagnosis(job_seeker=job_seeker)
    return diagnosis if diagnosis is not None and diagnosis.is_by_prescriber else None


def _flow_criteria(flow, company) -> list:
    from itou.eligibility.models import AdministrativeCriteria, GEIQAdministrativeCriteria

    model = GEIQAdministrativeCriteria if company.kind == CompanyKind.GEIQ else AdministrativeCriteria
    ids = (flow["diagnosis"] or {}).get("criteria") or []
    return list(model.objects.filter(pk__in=ids).order_by("level", "ui_rank", "pk"))


def _prescriber_eligibility(request, flow, company, job_seeker) -> dict | None:
    """For an authorized prescriber: what the diagnosis step chose (docs/eligibilite.md).
    None for everyone else."""
    if Step.DIAGNOSIS not in flow.steps:
        return None
    choice = flow["diagnosis"] or {}
    return {
        "geiq": company.kind == CompanyKind.GEIQ,
        "mode": choice.get("mode"),
        "criteria": _flow_criteria(flow, company) if choice.get("mode") == "new" else [],
        "diagnosis": _current_prescriber_diagnosis(company, job_seeker) if choice.get("mode") == "keep" else None,
        "url": flow.url(Step.DIAGNOSIS),
    }


@flow_view(Step.DIAGNOSIS)
def diagnosis(request, flow, company):
    """An authorized prescriber's diagnosis, one step before sending: keep the valid one,
    or tick the criteria of a new one (made, with the application, at sending), or go on
    without (the employer will make it at the hire)."""
    from itou.eligibility.enums import AuthorKind
    from itou.www.eligibility.forms import CriteriaForm

    if Step.DIAGNOSIS not in flow.steps:
        raise Http404
    geiq = company.kind == CompanyKind.GEIQ
    job_seeker = _job_seeker(flow)
    current = _current_prescriber_diagnosis(company, job_seeker)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    choice = flow["diagnosis"] or {}
    initial = {"administrative_criteria": choice.get("criteria")} if choice.get("mode") == "new" else None
    profile = getattr(job_seeker, "jobseeker_profile", None) if job_seeker else None
    form = CriteriaForm(
        request.POST if action == "new" else None,
        author_kind=AuthorKind.PRESCRIBER,
        geiq=geiq,
        profile=profile,
        **({"initial": initial} if initial else {}),
    )
    if action == "back":
        return redirect(_back_url(flow, Step.DIAGNOSIS, company))
    if action == "keep" and current is not None:
        flow["diagnosis"] = {"mode": "keep"}
    elif action == "none" and current is None:
        flow["diagnosis"] = {"mode": "none"}
    elif action == "new" and form.is_valid():
        flow["diagnosis"] = {"mode": "new", "criteria": [c.pk for c in form.cleaned_data["administrative_criteria"]]}
    if action in ("keep", "none", "new") and flow.is_done(Step.DIAGNOSIS) and not form.errors:
        flow.save()
        return redirect(_next_url(flow))
    new_display = flow["new_job_seeker"] or {}
    return render(
        request,
        "apply/diagnosis.html",
        _context(
            flow,
            company,
            Step.DIAGNOSIS,
            "Diagnostic d'éligibilité GEIQ" if geiq else "Diagnostic d'éligibilité",
            job_seeker_name=job_seeker.get_full_name()
            if job_seeker
            else f"{new_display.get('first_name', '')} {new_display.get('last_name', '').upper()}".strip(),
            current=current,
            form=form,
            geiq=geiq,
            back_url=_back_url(flow, Step.DIAGNOSIS, company),
        ),
        status=400 if form.errors else 200,
    )


def _send(request, flow, company, job_seeker, chosen):
    current = request.current_organization if request.user.is_professional else None
    sender_organization = current.organization if current else None
    resume_file = None
    if flow["resume"]:
        try:
            resume_file = File(default_storage.open(flow["resume"]["name"], "rb"), name="cv.pdf")
        except FileNotFoundError:
            flow["resume"] = None
            return _back_to(request, flow, Step.MESSAGE, "Le CV joint n'est plus disponible : joignez-le à nouveau.")
    application = {
        "acting_user": request.user,
        "company": company,
        "selected_jobs": chosen,
        "message": flow["message"] or "",
        "resume_file": resume_file,
        "sender_kind": flow["sender_kind"],
        "sender_organization": sender_organization,
    }
    if Step.DIAGNOSIS in flow.steps and (flow["diagnosis"] or {}).get("mode") == "new":
        application["diagnosis_criteria"] = _flow_criteria(flow, company)
    try:
        if job_seeker is not None:
            job_application = apply_rules.job_application_create(job_seeker=job_seeker, **application)
        else:
            job_application = apply_rules.job_application_create_for_new_job_seeker(
                job_seeker_fields=_new_job_seeker_fields(flow["new_job_seeker"]), **application
            )
            remember_address(request, job_application.job_seeker.email)
    except apply_rules.CompanyNotOpen:
        raise Http404
    except apply_rules.ApplicationTooSoon as error:
        messages.error(request, error.message)
        return redirect("apply:summary", flow_id=flow.id)
    except apply_rules.ApplyError as error:
        return _back_to(request, flow, error.step or Step.SUMMARY, error.message)
    except ValidationError as error:
        if hasattr(error, "error_dict") and "administrative_criteria" in error.error_dict:
            flow["diagnosis"] = None
            text = " ".join(error.messages)
            return _back_to(request, flow, Step.DIAGNOSIS, f"Le diagnostic n'a pas pu être enregistré : {text}")
        # The new job seeker's NIR or email was taken meanwhile.
        text = " ".join(error.messages)
        return _back_to(request, flow, Step.PERSON, f"{text} Recherchez à nouveau le candidat.")
    except PermissionDenied as error:
        return _not_allowed(request, company, error)
    finally:
        if resume_file is not None:
            resume_file.close()

    name = job_application.job_seeker.get_full_name()
    if flow["sender_kind"] == SenderKind.JOB_SEEKER:
        text = f"Votre candidature a été envoyée à {company.display_name}."
    elif flow["sender_kind"] == SenderKind.EMPLOYER:
        text = f"La candidature de {name} est enregistrée chez {company.display_name}."
    else:
        text = f"La candidature de {name} a été envoyée à {company.display_name}."
    flow.mark_sent(job_application.pk)
    messages.success(request, text)
    return redirect(application_url(flow))


@flow_view("cancel")
def cancel(request, flow, company):
    if request.method == "POST":
        flow.delete()
        messages.info(
            request, "La candidature est abandonnée : rien n'a été envoyé et ce que vous aviez saisi est effacé."
        )
        return redirect(company_page_url(company))
    return render(
        request,
        "apply/cancel.html",
        {"company": company, "back_url": _next_url(flow)},
    )
