"""Staff roles: what each member of the support team may do in the back-office.

| role | may |
|---|---|
| support | read everything about people and organizations; account actions (deactivate, reactivate, resend verification, change email, merge job seekers, handle deletion requests) |
| PASS team | manual PASS IAE, cancellations, prolongation requests |
| superuser | everything |

A role is a Django group of that name (created by itou/backoffice/migrations/0002); superusers
have them all. Admin pages use RoleRequiredAdminMixin.
"""

from django.db import models


class StaffRole(models.TextChoices):
    SUPPORT = "support", "Support"
    PASS_TEAM = "pass_team", "Équipe PASS IAE"


GROUP_NAMES = {StaffRole.SUPPORT: "Support", StaffRole.PASS_TEAM: "Équipe PASS IAE"}


def staff_has_role(user, *roles: StaffRole) -> bool:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    names = {GROUP_NAMES[role] for role in roles}
    return user.groups.filter(name__in=names).exists()


class RoleRequiredAdminMixin:
    """An admin page open to the staff with one of `staff_roles` (superusers: all)."""

    staff_roles: tuple = (StaffRole.SUPPORT,)
    staff_write_roles: tuple | None = None  # defaults to staff_roles

    def _reads(self, request) -> bool:
        return staff_has_role(request.user, *self.staff_roles)

    def _writes(self, request) -> bool:
        return staff_has_role(request.user, *(self.staff_write_roles or self.staff_roles))

    def has_module_permission(self, request):
        return self._reads(request)

    def has_view_permission(self, request, obj=None):
        return self._reads(request)

    # The role replaces Django's per-model permissions; an admin class still narrows these
    # (read-only pages return False itself).
    def has_change_permission(self, request, obj=None):
        return self._writes(request)

    def has_add_permission(self, request, *args):
        return self._writes(request)

    def has_delete_permission(self, request, obj=None):
        return self._writes(request)
