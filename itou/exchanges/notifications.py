"""The email telling someone of new messages on an application (grouped: one email for
every message since the last one, at most one per thread per hour — see services)."""

from django.urls import reverse

from itou.notifications.emails import Button, send_to_user


def new_messages(user, job_application, messages, *, side) -> bool:
    url = reverse("applications:detail", args=[job_application.pk]) + "#messages"
    authors = []
    for message in messages:
        name = message.author.get_full_name() if message.author else "Un ancien utilisateur"
        label = f"{name} ({message.organization_name})" if message.organization_name else name
        if label not in authors:
            authors.append(label)
    return send_to_user(
        "exchanges/emails/new_messages",
        to_user=user,
        context={
            "job_application": job_application,
            "job_seeker": job_application.job_seeker,
            "company": job_application.to_company,
            "count": len(messages),
            "authors": authors,
            "side": side,
        },
        button=Button("Lire les messages", url),
    )
