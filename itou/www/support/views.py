"""« Contacter le support »: the form (with help articles suggested as one types), the
user's requests, the thread one answers back into from the email's link, and the download
of a message's attachment."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from itou.help.search import search
from itou.job_applications.models import RESUME_MAX_SIZE
from itou.support import services
from itou.support.models import Category, SupportMessage, SupportRequest
from itou.utils.private_files import serve_private_file
from itou.utils.staff_roles import StaffRole, staff_has_role

SUGGESTIONS = 3


class SupportForm(forms.Form):
    email = forms.EmailField(
        label="Votre adresse e-mail",
        help_text="Le support vous répondra à cette adresse. Format attendu : nom@domaine.fr",
        error_messages={"required": "Indiquez votre adresse e-mail : le support vous répondra à cette adresse.",
                        "invalid": "Cette adresse e-mail n'est pas valide (format attendu : nom@domaine.fr)."},
    )  # fmt: skip
    category = forms.ChoiceField(
        label="Sujet", choices=[("", "Choisissez un sujet")] + Category.choices,
        error_messages={"required": "Choisissez le sujet de votre demande."},
    )  # fmt: skip
    subject = forms.CharField(
        label="Objet", max_length=200,
        widget=forms.TextInput(attrs={"hx-get": "/support/suggestions/", "hx-trigger": "input changed delay:400ms",
                                      "hx-target": "#suggestions", "hx-include": "[name=subject],[name=body]",
                                      "autocomplete": "off"}),
        error_messages={"required": "Indiquez l'objet de votre demande.", "max_length": "200 caractères au plus."},
    )  # fmt: skip
    body = forms.CharField(
        label="Votre message", max_length=services.MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "hx-get": "/support/suggestions/", "hx-trigger": "input changed delay:600ms",
                                     "hx-target": "#suggestions", "hx-include": "[name=subject],[name=body]"}),
        error_messages={"required": "Écrivez votre message.",
                        "max_length": f"Votre message est trop long : {services.MESSAGE_MAX_LENGTH} caractères au plus."},
    )  # fmt: skip
    attachment = forms.FileField(
        label="Pièce jointe (facultative)", required=False,
        help_text=f"Une capture d'écran ou un document au format PDF, {RESUME_MAX_SIZE // (1024 * 1024)} Mo au plus.",
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )  # fmt: skip
    page = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_authenticated:
            del self.fields["email"]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Votre réponse", max_length=services.MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Écrivez votre message.",
                        "max_length": f"Votre message est trop long : {services.MESSAGE_MAX_LENGTH} caractères au plus."},
    )  # fmt: skip
    attachment = SupportForm.base_fields["attachment"]


def _apply_errors(form, error):
    for field, field_errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_errors)


def new(request):
    initial = {"page": services.safe_page(request.GET.get("depuis", ""))}
    form = SupportForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            support_request = services.request_create(
                user=request.user,
                email=data.get("email"),
                category=data["category"],
                subject=data["subject"],
                body=data["body"],
                page=data.get("page", ""),
                attachment=data.get("attachment"),
                ip_address=request.META.get("REMOTE_ADDR"),
                current_organization=getattr(request, "current_organization", None),
            )
        except services.Throttled:
            return render(request, "support/throttled.html", {"message": services.THROTTLED_MESSAGE}, status=429)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, "Votre demande est envoyée : le support vous répondra par e-mail. Vous pouvez la suivre ici."
            )
            return redirect("support:thread", token=support_request.access_token)
    suggestions = search(f"{form['subject'].value() or ''} {form['body'].value() or ''}", limit=SUGGESTIONS)
    return render(request, "support/new.html", {"form": form, "suggestions": suggestions}, status=status)


def suggestions(request):
    """htmx: the help articles matching the words typed in the form (a fragment)."""
    text = f"{request.GET.get('subject', '')} {request.GET.get('body', '')}"[:400]
    return render(request, "support/suggestions.html", {"suggestions": search(text, limit=SUGGESTIONS)})


@login_required
def mine(request):
    support_requests = SupportRequest.objects.filter(user=request.user).order_by("-created_at")[:100]
    return render(request, "support/mine.html", {"support_requests": support_requests})


def thread(request, token):
    """The request and its non-internal messages, by the secret of its link."""
    support_request = SupportRequest.objects.filter(access_token=token).first()
    if support_request is None or (
        support_request.user_id and request.user.is_authenticated and request.user.pk != support_request.user_id
    ):
        raise Http404
    form = ReplyForm(request.POST or None, request.FILES or None, auto_id="reponse-%s")
    if request.method == "POST" and form.is_valid():
        try:
            services.user_reply(
                support_request=support_request,
                body=form.cleaned_data["body"],
                user=request.user,
                attachment=form.cleaned_data.get("attachment"),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Votre réponse est ajoutée à votre demande.")
            return redirect("support:thread", token=token)
    thread_messages = support_request.messages.filter(internal_note=False).select_related("author")
    return render(
        request,
        "support/thread.html",
        {"support_request": support_request, "thread_messages": thread_messages, "form": form},
    )


@login_required
def attachment(request, message_id):
    """A message's PDF: for the request's author (not the internal notes) and the support staff.

    Anyone else gets a 404 (docs/securite.md), as for an unknown message or one without a file.
    """
    message = SupportMessage.objects.select_related("request").filter(pk=message_id).first()
    if message is None or not message.attachment:
        raise Http404
    is_author = message.request.user_id == request.user.pk and not message.internal_note
    if not (is_author or staff_has_role(request.user, StaffRole.SUPPORT)):
        raise Http404
    return serve_private_file(request, message.attachment, filename=f"piece-jointe-{message.created_at:%Y%m%d}.pdf")
