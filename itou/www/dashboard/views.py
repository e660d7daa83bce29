from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from itou.approvals.queries import valid_approval_for
from itou.audit.export import personal_data_zip
from itou.audit.models import AccessLog, DeletionRequest
from itou.eligibility.queries import get_valid_diagnosis
from itou.organizations.current import Role, set_current_organization
from itou.users import services
from itou.users.models import JobSeekerProfile
from itou.www.control.context import dashboard_card as control_dashboard_card
from itou.www.dashboard import counters
from itou.www.dashboard.forms import JobSeekerProfileForm


@login_required
def index(request):
    """The few things waiting for this person, with figures that link to the filtered lists
    (itou/www/dashboard/counters.py: one query per kind of counter)."""
    user, current = request.user, request.current_organization
    context = {"counters": [], "extra_cards": []}
    if user.is_buyer:  # a buyer's home is the marketplace (docs/marche.md)
        return redirect("marketplace:buyer_home")
    if user.is_job_seeker:
        context["profile"] = JobSeekerProfile.objects.select_related("commune").filter(user=user).first()
        context["counters"] = counters.job_seeker_counters(user)
        context["approval"] = valid_approval_for(user)
        context["diagnosis"] = get_valid_diagnosis(job_seeker=user)
        context["extra_cards"] = counters.EXTRA_CARDS["job_seeker"]
    elif current:
        if current.role == Role.EMPLOYER:
            extras = {}
            context["counters"] = counters.employer_counters(current.organization, user=user, extras=extras)
            context["unread_threads"] = extras.get("unread_threads")
        elif current.role == Role.PRESCRIBER:
            context["counters"] = counters.prescriber_counters(current.organization)
        else:
            context["territory"], context["counters"] = counters.institution_counters(current.organization)
        context["extra_cards"] = counters.EXTRA_CARDS[current.role]
    context.update(control_dashboard_card(request))
    return render(request, "dashboard/index.html", context)


@login_required
@require_POST
def switch_organization(request):
    """Act for another of the user's organizations (the header's switcher)."""
    chosen = set_current_organization(request, request.POST.get("organization", ""))
    if chosen is None:
        messages.error(request, "Vous n'êtes pas membre de cette organisation.")
    else:
        messages.success(request, f"Vous agissez maintenant pour {chosen.name} ({chosen.role_label}).")
    return redirect("dashboard:index")


@login_required
def profile(request):
    """A job seeker reads and updates their own profile (nobody else's: no id in the URL)."""
    user = request.user
    if not user.is_job_seeker:
        raise Http404
    form = JobSeekerProfileForm(request.POST or None, job_seeker=user, initial=JobSeekerProfileForm.initial_for(user))
    if request.method == "POST" and form.is_valid():
        try:
            services.job_seeker_profile_update(
                acting_user=user, job_seeker=user, user_fields=form.user_fields(), profile_fields=form.profile_fields()
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            messages.success(request, "Votre profil est à jour.")
            return redirect("dashboard:profile")
    profile = JobSeekerProfile.objects.select_related("commune").filter(user=user).first()
    return render(request, "dashboard/profile.html", {"form": form, "profile": profile})


ACCESS_LOG_SHOWN = 100


@login_required
def personal_data(request):
    """Mon compte et mes données: who viewed my documents, download everything, ask for deletion."""
    user = request.user
    accesses = list(AccessLog.objects.filter(holder=user).select_related("viewer")[:ACCESS_LOG_SHOWN])
    pending = DeletionRequest.objects.filter(user=user, handled_at__isnull=True).first()
    return render(
        request,
        "dashboard/personal_data.html",
        {"accesses": accesses, "deletion_request": pending, "shown": ACCESS_LOG_SHOWN},
    )


@login_required
@require_POST
def personal_data_download(request):
    response = HttpResponse(personal_data_zip(request.user), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-emplois-inclusion.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def personal_data_delete(request):
    """Ask for deletion: the support team checks (an application in progress, a PASS IAE) and
    anonymizes with one click; a second request while one is pending changes nothing."""
    try:
        with transaction.atomic():
            DeletionRequest.objects.create(user=request.user)
    except IntegrityError:
        messages.info(request, "Votre demande de suppression est déjà enregistrée : l'équipe support la traite.")
    else:
        messages.success(
            request,
            "Votre demande de suppression est enregistrée. L'équipe support la traite sous un mois et vous écrit "
            "quand c'est fait.",
        )
    return redirect("dashboard:personal_data")
