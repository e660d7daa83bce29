import datetime

import factory
from allauth.account.models import EmailAddress

from itou.users.enums import EducationLevel, UserKind
from itou.users.models import JobSeekerProfile, User

DEFAULT_PASSWORD = "Un-mot-de-passe-solide-2026"


def nir_for(sequence: int, *, sex: str = "1", year: int = 90, month: int = 5, department: str = "69") -> str:
    """A valid NIR (key included) unique for each sequence number."""
    body = f"{sex}{year % 100:02d}{month:02d}{department}{(sequence // 1000) % 1000 + 1:03d}{sequence % 1000:03d}"
    key = 97 - int(body) % 97
    return f"{body}{key:02d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"utilisateur{n}@example.com")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    kind = UserKind.PROFESSIONAL

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create and obj.email and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class JobSeekerFactory(UserFactory):
    kind = UserKind.JOB_SEEKER

    @factory.post_generation
    def with_profile(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            JobSeekerProfileFactory(user=obj, **kwargs)


class JobSeekerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobSeekerProfile

    user = factory.SubFactory(JobSeekerFactory, with_profile=False)
    birthdate = datetime.date(1990, 5, 17)
    nir = factory.Sequence(lambda n: nir_for(n + 1))
    education_level = EducationLevel.CAP_BEP_DIPLOMA


class ProfessionalFactory(UserFactory):
    kind = UserKind.PROFESSIONAL


class StaffFactory(UserFactory):
    kind = UserKind.STAFF
    is_staff = True
    is_superuser = True
