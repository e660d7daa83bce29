from django.shortcuts import render


def choose_kind(request):
    """Who are you? Job seekers sign up here; professionals are pointed to their path."""
    return render(request, "signup/choose_kind.html")
