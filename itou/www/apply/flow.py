"""The state of one application being written, kept server-side in the session.

Each journey has a random id, in its URLs; what was typed lives in the session under
`apply_flow:<id>`, never in hidden fields, so that "Retour" and a later visit find it
again, and a flow id of another session is unknown here (404). A session keeps at most
MAX_FLOWS_PER_SESSION journeys: the oldest one is dropped (with its draft CV).
"""

import re
import secrets

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from itou.job_applications.apply import resume_draft_delete

SESSION_PREFIX = "apply_flow:"
MAX_FLOWS_PER_SESSION = 5
_FLOW_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class Step:
    PERSON = "person"
    PROFILE = "profile"
    JOBS = "jobs"
    MESSAGE = "message"
    DIAGNOSIS = "diagnosis"
    SUMMARY = "summary"


STEP_TITLES = {
    Step.PERSON: "Candidat",
    Step.PROFILE: "Votre profil",
    Step.JOBS: "Fiches de poste",
    Step.MESSAGE: "Message et CV",
    Step.DIAGNOSIS: "Diagnostic d'éligibilité",
    Step.SUMMARY: "Récapitulatif",
}
STEP_URL_NAMES = {
    Step.PERSON: "apply:person",
    Step.PROFILE: "apply:complete_profile",
    Step.JOBS: "apply:jobs",
    Step.MESSAGE: "apply:message",
    Step.DIAGNOSIS: "apply:diagnosis",
    Step.SUMMARY: "apply:summary",
}


class Flow:
    def __init__(self, request, flow_id: str, data: dict):
        self.request = request
        self.id = flow_id
        self.data = data

    # -- storage ------------------------------------------------------------------------

    @staticmethod
    def _key(flow_id: str) -> str:
        return f"{SESSION_PREFIX}{flow_id}"

    @classmethod
    def _all(cls, request) -> list["Flow"]:
        return [
            cls(request, key.removeprefix(SESSION_PREFIX), request.session[key])
            for key in list(request.session.keys())
            if key.startswith(SESSION_PREFIX)
        ]

    @classmethod
    def create(cls, request, *, company, sender_kind: str, organization_key: str | None, steps: list, **data):
        flows = sorted(cls._all(request), key=lambda flow: flow.data.get("started_at", ""))
        for old in flows[: max(0, len(flows) - MAX_FLOWS_PER_SESSION + 1)]:
            old.delete()
        flow = cls(
            request,
            secrets.token_urlsafe(18),
            {
                "user_id": request.user.pk,
                "company_id": company.pk,
                "sender_kind": sender_kind,
                "organization_key": organization_key,
                "steps": steps,
                "started_at": timezone.now().isoformat(),
                "job_ids": [],
                "spontaneous": False,
                "message": "",
                "resume": None,
                "declined_ids": [],
                **data,
            },
        )
        flow.save()
        return flow

    @classmethod
    def get_or_404(cls, request, flow_id: str) -> "Flow":
        """The journey `flow_id` of this session and this user, or 404 (another session's id included)."""
        if not _FLOW_ID.match(flow_id or ""):
            raise Http404
        data = request.session.get(cls._key(flow_id))
        if not isinstance(data, dict) or data.get("user_id") != request.user.pk:
            raise Http404
        return cls(request, flow_id, data)

    @classmethod
    def find_unsent(cls, request, *, company_id: int, organization_key: str | None) -> "Flow | None":
        for flow in cls._all(request):
            data = flow.data
            if (
                data.get("user_id") == request.user.pk
                and data.get("company_id") == company_id
                and data.get("organization_key") == organization_key
                and not data.get("sent_id")
            ):
                return flow
        return None

    def save(self) -> None:
        self.request.session[self._key(self.id)] = self.data
        self.request.session.modified = True

    def delete(self) -> None:
        resume_draft_delete((self.data.get("resume") or {}).get("name", ""))
        self.request.session.pop(self._key(self.id), None)

    def mark_sent(self, job_application_id) -> None:
        """Keep only what the confirmation page needs: a second click finds it sent."""
        resume_draft_delete((self.data.get("resume") or {}).get("name", ""))
        self.data = {
            "user_id": self.data["user_id"],
            "company_id": self.data["company_id"],
            "sender_kind": self.data["sender_kind"],
            "organization_key": self.data["organization_key"],
            "steps": self.data["steps"],
            "started_at": self.data["started_at"],
            "sent_id": str(job_application_id),
        }
        self.save()

    # -- reading ------------------------------------------------------------------------

    def __getitem__(self, name):
        return self.data.get(name)

    def __setitem__(self, name, value):
        self.data[name] = value

    @property
    def steps(self) -> list:
        return self.data["steps"]

    @property
    def is_sent(self) -> bool:
        return bool(self.data.get("sent_id"))

    def is_done(self, step: str) -> bool:
        if step == Step.PERSON:
            return bool(self.data.get("job_seeker_id") or self.data.get("new_job_seeker"))
        if step == Step.PROFILE:
            return bool(self.data.get("profile_done"))
        if step == Step.JOBS:
            return bool(self.data.get("jobs_done"))
        if step == Step.MESSAGE:
            return bool(self.data.get("message_done"))
        if step == Step.DIAGNOSIS:
            # {"mode": "keep"} (the valid diagnosis), {"mode": "new", "criteria": [pk…]} or {"mode": "none"}
            return isinstance(self.data.get("diagnosis"), dict)
        return False

    def first_incomplete_step(self) -> str:
        return next((step for step in self.steps if not self.is_done(step)), Step.SUMMARY)

    def missing_before(self, step: str) -> str | None:
        """The first earlier step still to do before `step`, if any."""
        for earlier in self.steps[: self.steps.index(step)]:
            if not self.is_done(earlier):
                return earlier
        return None

    def previous_step(self, step: str) -> str | None:
        index = self.steps.index(step)
        return self.steps[index - 1] if index > 0 else None

    def url(self, step: str) -> str:
        if step == Step.PERSON and self.data.get("new_job_seeker"):
            return reverse("apply:person_create", args=[self.id])
        return reverse(STEP_URL_NAMES[step], args=[self.id])

    def stepper(self, step: str) -> dict:
        index = self.steps.index(step)
        return {
            "number": index + 1,
            "count": len(self.steps),
            "title": STEP_TITLES[step],
            "next_title": STEP_TITLES[self.steps[index + 1]] if index + 1 < len(self.steps) else "",
        }
