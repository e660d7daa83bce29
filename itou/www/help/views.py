"""The help center ("Aide"): guides per audience, full-text search, "Cette page vous a-t-elle aidé ?"."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from itou.help.models import Audience, HelpFeedback
from itou.help.pages import NEWS_SLUG, all_guides
from itou.help.search import search


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label="Cette page vous a-t-elle aidé ?",
        choices=[("oui", "Oui"), ("non", "Non")],
        coerce=lambda value: value == "oui",
        widget=forms.RadioSelect,
        error_messages={"required": "Dites-nous si cette page vous a aidé."},
    )
    comment = forms.CharField(
        label="Que manquait-il ? (facultatif)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "1 000 caractères au plus."},
    )


def index(request):
    query = request.GET.get("q", "").strip()
    guides = [guide for guide in all_guides().values() if guide.slug != NEWS_SLUG]
    groups = [
        (label, [guide for guide in guides if value in guide.audiences])
        for value, label in Audience.choices
        if value != Audience.ALL
    ]
    return render(
        request,
        "help/index.html",
        {
            "query": query,
            "results": search(query) if query else None,
            "groups": [(label, items) for label, items in groups if items],
        },
    )


def page(request, slug):
    guide = all_guides().get(slug)
    if guide is None:
        raise Http404
    return render(request, "help/page.html", {"guide": guide, "feedback_form": FeedbackForm(auto_id="avis-%s")})


@require_POST
def feedback(request, slug):
    guide = all_guides().get(slug)
    if guide is None:
        raise Http404
    form = FeedbackForm(request.POST, auto_id="avis-%s")
    if not form.is_valid():
        return render(request, "help/page.html", {"guide": guide, "feedback_form": form})
    HelpFeedback.objects.create(
        page_slug=guide.slug,
        helpful=form.cleaned_data["helpful"],
        comment=form.cleaned_data["comment"].strip(),
        user=request.user if request.user.is_authenticated else None,
    )
    messages.success(request, "Merci pour votre avis : il nous aide à améliorer l'aide.")
    return redirect("help:page", slug=guide.slug)
