"""A support request of the demo world (docs/monde-de-demo.md): the demo ACI's admin asks a
question from an application, so that the staff inbox (admin, demo staff account) has one.
Idempotent: nothing when the demo ACI's admin already wrote one."""

from itou.support import services
from itou.support.models import SupportRequest
from itou.users.models import User

DEMO_ACI_EMAIL_PREFIX = "employeur.aci@"


def load_demo_support() -> int:
    user = User.objects.filter(email__startswith=DEMO_ACI_EMAIL_PREFIX, is_active=True).first()
    if user is None or SupportRequest.objects.filter(user=user).exists():
        return 0
    services.request_create(
        user=user,
        email=user.email,
        category="pass",
        subject="Suspendre un PASS IAE après une rupture de contrat",
        body="Bonjour, un salarié a rompu son contrat la semaine dernière : quel motif de suspension choisir ?",
        page="/aide/pass-iae/",
    )
    return 1
