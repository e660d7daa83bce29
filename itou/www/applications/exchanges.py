"""The messages of an application on its page (docs/echanges.md): the thread, the form to
write, the attachment download. Domain rules are in itou/exchanges."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from itou.exchanges import queries as exchange_queries
from itou.exchanges import services as exchange_services
from itou.exchanges.models import MESSAGE_MAX_LENGTH
from itou.job_applications.models import RESUME_MAX_SIZE
from itou.job_applications.perms import ViewerRole
from itou.utils.private_files import serve_private_file
from itou.www.applications.actions import load_for_viewer
from itou.www.applications.display import TimelineEntry


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Votre message",
        help_text=f"{MESSAGE_MAX_LENGTH} caractères au plus. Les liens deviennent cliquables.",
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MESSAGE_MAX_LENGTH}),
        max_length=MESSAGE_MAX_LENGTH,
        strip=True,
        error_messages={
            "required": exchange_services.EMPTY_MESSAGE,
            "max_length": f"Votre message est trop long : {MESSAGE_MAX_LENGTH} caractères au plus "
            "(%(show_value)d actuellement).",
        },
    )
    attachment = forms.FileField(
        label="Pièce jointe (facultative)",
        required=False,
        help_text=f"Au format PDF, {RESUME_MAX_SIZE // (1024 * 1024)} Mo au plus.",
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    between_professionals = forms.BooleanField(
        label="Entre professionnels",
        required=False,
        help_text="Le candidat ne verra pas ce message.",
    )

    def __init__(self, *args, side, **kwargs):
        super().__init__(*args, auto_id="message-%s", **kwargs)
        if side == ViewerRole.JOB_SEEKER:
            del self.fields["between_professionals"]


def thread_context(request, job_application, role) -> dict:
    """What the detail page shows of the thread (one query), and the messages' timeline
    entries; marks the thread read."""
    thread = list(exchange_queries.thread(job_application, role))
    exchange_services.thread_mark_read(user=request.user, job_application=job_application, side=role)
    return {"thread": thread, "message_form": MessageForm(side=role)}


def timeline_entries(thread) -> list[TimelineEntry]:
    entries = []
    for message in thread:
        name = message.author.get_full_name() if message.author else "Un ancien utilisateur"
        author = f"{name} ({message.organization_name})" if message.organization_name else name
        title = "Message entre professionnels" if message.between_professionals else "Message"
        lines = ["Avec une pièce jointe."] if message.attachment else []
        entries.append(TimelineEntry(message.created_at, title, author, lines))
    return entries


@login_required
@require_POST
def post_message(request, pk):
    job_application, role = load_for_viewer(request, pk)
    detail_url = reverse("applications:detail", args=[job_application.pk])
    form = MessageForm(request.POST, request.FILES, side=role)
    if form.is_valid():
        try:
            exchange_services.message_post(
                acting_user=request.user,
                job_application=job_application,
                body=form.cleaned_data["body"],
                between_professionals=form.cleaned_data.get("between_professionals", False),
                attachment=form.cleaned_data.get("attachment"),
            )
        except PermissionDenied:
            raise Http404
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            messages.success(request, "Message envoyé.")
            return redirect(detail_url + "#messages")
    return render(
        request,
        "applications/message_form.html",
        {
            "job_application": job_application,
            "message_form": form,
            "thread": list(exchange_queries.thread(job_application, role)),
            "detail_url": detail_url,
            "role": role,
        },
    )


@login_required
def attachment(request, pk, message_pk):
    """A message's PDF, only for those who read the message."""
    job_application, role = load_for_viewer(request, pk)
    message = exchange_queries.thread(job_application, role).filter(pk=message_pk).first()
    if message is None or not message.attachment:
        raise Http404
    return serve_private_file(request, message.attachment, filename=f"piece-jointe-{message.created_at:%Y%m%d}.pdf")
