"""Follow-up groups: join by finding the person, see the group, leave; the person sees who
follows them and can ask to remove someone (docs/echanges.md)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from itou.followup import services
from itou.followup.models import FollowUpMembership, FollowUpMilestone, FollowUpRole, MilestoneKind
from itou.job_applications import perms
from itou.job_applications.apply import job_seeker_lookup
from itou.job_applications.queries import visible_to
from itou.users.validators import clean_nir


class JoinForm(forms.Form):
    nir = forms.CharField(label="Numéro de sécurité sociale", required=False, max_length=30,
                          help_text="15 caractères. Ou, à défaut, le nom, le prénom et la date de naissance.")  # fmt: skip
    last_name = forms.CharField(label="Nom", required=False, max_length=150)
    first_name = forms.CharField(label="Prénom", required=False, max_length=150)
    birthdate = forms.DateField(
        label="Date de naissance", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Saisissez une date valide."},
    )  # fmt: skip
    role = forms.ChoiceField(label="Comment suivez-vous cette personne ?", choices=[("", "Choisissez")] + FollowUpRole.choices,
                             error_messages={"required": "Choisissez comment vous suivez cette personne."})  # fmt: skip

    def clean_nir(self):
        value = self.cleaned_data.get("nir", "").strip()
        return clean_nir(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("nir")
            and not (cleaned.get("last_name") and cleaned.get("first_name") and cleaned.get("birthdate"))
            and "nir" not in self.errors
        ):
            raise ValidationError(
                "Indiquez le numéro de sécurité sociale, ou le nom, le prénom et la date de naissance de la personne."
            )
        return cleaned


class MilestoneForm(forms.Form):
    job_application = forms.ChoiceField(label="Embauche")
    kind = forms.ChoiceField(label="Jalon", choices=[("", "Choisissez")] + MilestoneKind.choices,
                             error_messages={"required": "Choisissez un jalon."})  # fmt: skip
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"required": "Indiquez la date.", "invalid": "Saisissez une date valide."})  # fmt: skip
    note = forms.CharField(label="Précisions (facultatif)", required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args, hires, **kwargs):
        super().__init__(*args, auto_id="jalon-%s", **kwargs)
        self.hires = {str(hire.pk): hire for hire in hires}
        self.fields["job_application"].choices = [
            (str(hire.pk), f"{hire.to_company.display_name}, depuis le {hire.hiring_start_at:%d/%m/%Y}")
            for hire in hires
        ]


def _members(job_seeker):
    return list(
        FollowUpMembership.objects.filter(job_seeker=job_seeker, is_active=True)
        .select_related("member", "company", "prescriber_organization")
        .order_by("started_at", "pk")
    )


@login_required
def join(request):
    current = request.current_organization
    if not request.user.is_professional or not current or current.role not in ("employer", "prescriber"):
        raise Http404
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = job_seeker_lookup(
            nir=data["nir"], first_name=data["first_name"], last_name=data["last_name"], birthdate=data["birthdate"]
        )
        if result.job_seeker is None:
            form.add_error(None, result.problem or services.NOT_FOUND_MESSAGE)
        else:
            services.join(
                acting_user=request.user, current_organization=current, job_seeker=result.job_seeker, role=data["role"]
            )
            messages.success(request, f"Vous faites partie du groupe de suivi de {result.job_seeker.get_full_name()}.")
            return redirect("followup:group", job_seeker_pk=result.job_seeker.pk)
    return render(request, "followup/join.html", {"form": form})


@login_required
def group(request, job_seeker_pk):
    """Only the group's active members see it (404 for anyone else)."""
    members = _members(job_seeker_pk)
    mine = next((m for m in members if m.member_id == request.user.pk), None)
    if mine is None:
        raise Http404
    job_seeker = mine.job_seeker
    applications = list(
        visible_to(request.user)
        .filter(job_seeker_id=job_seeker_pk)
        .select_related("to_company")
        .order_by("-created_at")[:50]
    )
    # The hires the user's employer made: they record milestones; the group reads them all.
    hires = [
        a for a in applications if a.state == "accepted" and a.to_company_id in perms.active_company_ids(request.user)
    ]
    form = MilestoneForm(request.POST or None, hires=hires) if hires else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.milestone_record(
                    acting_user=request.user,
                    job_application=form.hires[form.cleaned_data["job_application"]],
                    kind=form.cleaned_data["kind"],
                    date=form.cleaned_data["date"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except PermissionDenied:
                raise Http404
            else:
                messages.success(request, "Jalon enregistré : le groupe de suivi le voit.")
                return redirect("followup:group", job_seeker_pk=job_seeker_pk)
    milestones = list(
        FollowUpMilestone.objects.filter(job_application__job_seeker_id=job_seeker_pk)
        .select_related("job_application__to_company", "recorded_by")
        .order_by("date", "pk")
    )
    return render(
        request,
        "followup/group.html",
        {
            "job_seeker": job_seeker,
            "members": members,
            "mine": mine,
            "applications": applications,
            "milestones": milestones,
            "milestone_form": form,
        },
    )


@login_required
@require_POST
def leave(request, job_seeker_pk):
    membership = FollowUpMembership.objects.filter(
        job_seeker_id=job_seeker_pk, member=request.user, is_active=True
    ).first()
    if membership is None:
        raise Http404
    services.leave(membership=membership)
    messages.success(request, "Vous avez quitté le groupe de suivi.")
    return redirect("dashboard:index")


@login_required
def mine(request):
    if not request.user.is_job_seeker:
        raise Http404
    return render(request, "followup/mine.html", {"members": _members(request.user)})


@login_required
@require_POST
def request_removal(request, membership_pk):
    if not request.user.is_job_seeker:
        raise Http404
    membership = FollowUpMembership.objects.filter(pk=membership_pk, job_seeker=request.user, is_active=True).first()
    if membership is None:
        raise Http404
    try:
        services.request_removal(job_seeker=request.user, membership=membership)
    except PermissionDenied:
        raise Http404
    messages.success(request, f"{membership.member.get_full_name()} ne fait plus partie de votre groupe de suivi.")
    return redirect("followup:mine")
