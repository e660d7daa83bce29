"""Write the access and lookup logs; decide whether a professional may search people again."""

import datetime

from django.conf import settings
from django.utils import timezone

from itou.audit.enums import AccessKind
from itou.audit.models import AccessLog, PersonLookup

# Searches of job seekers per hour (config/settings.py, PERSON_LOOKUP_LIMITS).
LOOKUP_WINDOW = datetime.timedelta(hours=1)

PERSON_LOOKUP_THROTTLED_MESSAGE = (
    "Vous avez fait beaucoup de recherches de candidats en peu de temps. Pour protéger les données des "
    "personnes, la recherche est suspendue pendant une heure. Si vous avez besoin de plus, écrivez au support."
)


def person_lookup_throttled(*, user, organization_key: str | None) -> bool:
    """True when `user`, or the organization they act for, searched too often in the last hour."""
    limits = settings.PERSON_LOOKUP_LIMITS
    since = timezone.now() - LOOKUP_WINDOW
    recent = PersonLookup.objects.filter(created_at__gt=since)
    if recent.filter(user=user).count() >= limits["user"]:
        return True
    return bool(organization_key) and recent.filter(organization_key=organization_key).count() >= limits["organization"]


def person_lookup_record(
    *, user, organization_key: str | None, matched_by: str = "", proven: bool = False
) -> PersonLookup:
    return PersonLookup.objects.create(
        user=user,
        organization_key=organization_key or "",
        matched_by=matched_by or "",
        found=bool(matched_by),
        proven=proven,
    )


def access_log_record(*, viewer, holder, kind: AccessKind, object_ref: str = "", organization=None):
    """Log that `viewer` saw `kind` of `holder` (acting for `organization`, a CurrentOrganization
    or None); a person reading their own data is not logged."""
    if viewer is not None and holder is not None and viewer.pk == holder.pk:
        return None
    return AccessLog.objects.create(
        viewer=viewer,
        viewer_organization=getattr(organization, "key", "") or "",
        viewer_organization_name=(getattr(organization, "name", "") or "")[:255],
        holder=holder,
        kind=kind,
        object_ref=str(object_ref)[:64],
    )
