from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class OrganizationQuerySet(models.QuerySet):
    """Shared by employers, prescriber organizations and institutions."""

    # What a list of the user's organizations shows besides the organization itself.
    member_list_related: tuple[str, ...] = ()

    def for_member(self, user):
        """The organizations where `user` has an active membership, in one query.

        Each carries `membership_is_admin` (the user's role there) and the rows of
        `member_list_related`, so that a list of the user's organizations needs no further query.
        """
        return (
            self.filter(memberships__user=user, memberships__is_active=True)
            .annotate(membership_is_admin=models.F("memberships__is_admin"))
            .select_related(*self.member_list_related)
            .order_by("name", "pk")
        )


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def admins(self):
        return self.active().filter(is_admin=True)


class BaseMembership(models.Model):
    """What every membership (employer, prescriber organization, institution) shares.

    Subclasses add `user` (with their own related_name), the organization foreign key and
    `is_admin` (whose label names the kind of organization).
    """

    is_active = models.BooleanField("actif", default=True)
    joined_at = models.DateTimeField("membre depuis le", default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    # "de la structure", "de l'organisation"…: used in the messages below.
    organization_label = "de l'organisation"

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.user_id and not self.user.is_professional:
            raise ValidationError({"user": f"Seul un professionnel peut être membre {self.organization_label}."})
