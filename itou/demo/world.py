"""The demo world: a few employers, prescribers, an institution and job seekers in three
departments (Rhône, Nord, Seine-Saint-Denis), with documented logins.

Everything is declared as constants below, so that `demo_accounts()` can list the logins
without touching the database; `load_demo()` writes them, idempotently (see
docs/monde-de-demo.md).
"""

import dataclasses
import datetime
import io
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import models, transaction
from django.utils import timezone
from stdnum import luhn
from stdnum.fr import nir as stdnum_nir

from itou.approvals.demo import load_demo_approvals
from itou.backoffice.demo import load_demo_backoffice
from itou.companies.enums import SIAE_KINDS, CompanyKind, CompanySource
from itou.companies.job_descriptions import job_descriptions_load_demo
from itou.companies.models import Company, CompanyMembership
from itou.control.demo import load_demo_control
from itou.eligibility.demo import load_demo_eligibility_diagnoses
from itou.employee_records.demo import load_demo_employee_records
from itou.exchanges.demo import load_demo_exchanges
from itou.geo.models import Commune, Department
from itou.institutions.enums import InstitutionKind
from itou.institutions.models import Institution, InstitutionMembership
from itou.job_applications.demo import load_demo_job_applications
from itou.marketplace.demo import load_demo_marketplace
from itou.prescribers.enums import AUTHORIZED_BY_LAW_KINDS, PrescriberOrganizationKind
from itou.prescribers.models import PrescriberMembership, PrescriberOrganization
from itou.stats.demo import load_demo_stats
from itou.users.enums import EducationLevel, UserKind
from itou.users.models import JobSeekerProfile, User

# Shared by every demo account. Public on purpose: the demo is never run in production.
DEMO_PASSWORD = "Demo-inclusion-2026!"
DEMO_EMAIL_DOMAIN = "inclusion-demo.fr"


def make_siret(siren_base: str, nic_base: str = "0001") -> str:
    """A valid SIRET built from an 8-digit SIREN base and a 4-digit establishment base.

    Both Luhn keys are computed: the SIREN's (9th digit) and the SIRET's (14th digit).
    """
    assert len(siren_base) == 8 and siren_base.isdigit(), siren_base
    assert len(nic_base) == 4 and nic_base.isdigit(), nic_base
    assert not siren_base.startswith("35600000"), "La Poste SIRETs follow another rule"
    siren = siren_base + luhn.calc_check_digit(siren_base)
    body = siren + nic_base
    return body + luhn.calc_check_digit(body)


def make_nir(*, sex: int, birthdate: datetime.date, birth_commune_code: str, order: int) -> str:
    """A valid NIR: sex, birth year and month, INSEE code of the birth commune, order, key."""
    assert sex in (1, 2) and 1 <= order <= 999 and len(birth_commune_code) == 5
    body = f"{sex}{birthdate:%y}{birthdate:%m}{birth_commune_code}{order:03d}"
    return body + stdnum_nir.calc_check_digits(body)


def _email(local_part: str) -> str:
    return f"{local_part}@{DEMO_EMAIL_DOMAIN}"


@dataclasses.dataclass(frozen=True)
class DemoPerson:
    email: str
    first_name: str
    last_name: str
    phone: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclasses.dataclass(frozen=True)
class DemoCompany:
    kind: CompanyKind
    name: str
    brand: str
    siren_base: str
    address_line: str
    post_code: str
    commune_code: str
    phone: str
    description: str
    spontaneous_applications_open: bool
    admin: DemoPerson

    @property
    def siret(self) -> str:
        return make_siret(self.siren_base)

    @property
    def display_name(self) -> str:
        return self.brand or self.name

    @property
    def source(self) -> CompanySource:
        if self.kind in SIAE_KINDS:
            return CompanySource.ASP
        if self.kind == CompanyKind.GEIQ:
            return CompanySource.GEIQ
        return CompanySource.EA_EATT

    @property
    def role(self) -> str:
        if self.display_name.startswith(self.kind):  # "GEIQ BTP…" needs no "GEIQ" in front
            return f"Employeur — {self.display_name}"
        return f"Employeur — {self.kind} {self.display_name}"


@dataclasses.dataclass(frozen=True)
class DemoPrescriber:
    kind: PrescriberOrganizationKind
    name: str
    siren_base: str
    address_line: str
    post_code: str
    commune_code: str
    phone: str
    admin: DemoPerson

    @property
    def siret(self) -> str:
        return make_siret(self.siren_base)

    @property
    def role(self) -> str:
        # Organizations authorized by law are validated on creation; the others wait for staff.
        if self.kind in AUTHORIZED_BY_LAW_KINDS:
            return f"Prescripteur habilité — {self.name}"
        return f"Orienteur — {self.name}"


@dataclasses.dataclass(frozen=True)
class DemoInstitution:
    kind: InstitutionKind
    name: str
    department_code: str
    admin: DemoPerson

    @property
    def role(self) -> str:
        return f"Inspecteur du travail — {self.name}"


@dataclasses.dataclass(frozen=True)
class DemoJobSeeker:
    person: DemoPerson
    sex: int  # 1 man, 2 woman: the first digit of the NIR
    birthdate: datetime.date
    birth_commune_code: str
    nir_order: int
    france_travail_id: str
    commune_code: str
    address_line: str
    education_level: EducationLevel

    @property
    def nir(self) -> str:
        return make_nir(
            sex=self.sex, birthdate=self.birthdate, birth_commune_code=self.birth_commune_code, order=self.nir_order
        )

    @property
    def role(self) -> str:
        return "Candidate" if self.sex == 2 else "Candidat"


# Communes (INSEE codes) of the demo world. Lyon, Villeurbanne, Vénissieux (69);
# Lille, Roubaix, Tourcoing (59); Saint-Denis, Bobigny, Montreuil, Aubervilliers (93).
LYON, VILLEURBANNE, VENISSIEUX = "69123", "69266", "69259"
LILLE, ROUBAIX, TOURCOING = "59350", "59512", "59599"
SAINT_DENIS, BOBIGNY, MONTREUIL, AUBERVILLIERS = "93066", "93008", "93048", "93001"
DEMO_COMMUNE_CODES = (
    *(LYON, VILLEURBANNE, VENISSIEUX),
    *(LILLE, ROUBAIX, TOURCOING),
    *(SAINT_DENIS, BOBIGNY, MONTREUIL, AUBERVILLIERS),
)

COMPANIES = (
    DemoCompany(
        kind=CompanyKind.ACI,
        name="Association Les Jardins du Rhône",
        brand="Les Jardins du Rhône",
        siren_base="81245730",
        address_line="27 avenue Jean Jaurès",
        post_code="69200",
        commune_code=VENISSIEUX,
        phone="0478701234",
        description=(
            "Maraîchage biologique et entretien d'espaces verts. Nos salariés en insertion sont "
            "accompagnés vers un emploi durable ou une formation qualifiante."
        ),
        spontaneous_applications_open=True,
        admin=DemoPerson(_email("employeur.aci"), "Nathalie", "Girard", "0611223344"),
    ),
    DemoCompany(
        kind=CompanyKind.ETTI,
        name="Solidarité Intérim Lyon",
        brand="",
        siren_base="82314956",
        address_line="18 rue Garibaldi",
        post_code="69006",
        commune_code=LYON,
        phone="0472405566",
        description="Missions d'intérim dans la logistique, le bâtiment et la restauration collective.",
        spontaneous_applications_open=True,
        admin=DemoPerson(_email("employeur.etti"), "Karim", "Benali", "0622334455"),
    ),
    DemoCompany(
        kind=CompanyKind.EATT,
        name="Handi'Intérim Villeurbanne",
        brand="",
        siren_base="83476120",
        address_line="63 cours Émile Zola",
        post_code="69100",
        commune_code=VILLEURBANNE,
        phone="0478849012",
        description="Entreprise adaptée de travail temporaire : missions pour des travailleurs handicapés.",
        spontaneous_applications_open=False,
        admin=DemoPerson(_email("employeur.eatt"), "Sophie", "Lefèvre", "0633445566"),
    ),
    DemoCompany(
        kind=CompanyKind.AI,
        name="Nord Services Entraide",
        brand="",
        siren_base="78512364",
        address_line="102 Grande Rue",
        post_code="59100",
        commune_code=ROUBAIX,
        phone="0320701122",
        description="Mises à disposition chez des particuliers, des collectivités et des entreprises.",
        spontaneous_applications_open=True,
        admin=DemoPerson(_email("employeur.ai"), "Julien", "Dubois", "0644556677"),
    ),
    DemoCompany(
        kind=CompanyKind.EITI,
        name="Coopérative Les Indépendants du Nord",
        brand="Les Indépendants du Nord",
        siren_base="88120457",
        address_line="9 rue Nationale",
        post_code="59000",
        commune_code=LILLE,
        phone="0320556677",
        description="Accompagnement de travailleurs indépendants : livraison à vélo, petits travaux, couture.",
        spontaneous_applications_open=True,
        admin=DemoPerson(_email("employeur.eiti"), "Amandine", "Lemaire", "0655667788"),
    ),
    DemoCompany(
        kind=CompanyKind.GEIQ,
        name="GEIQ BTP Métropole lilloise",
        brand="",
        siren_base="79863012",
        address_line="15 boulevard Gambetta",
        post_code="59200",
        commune_code=TOURCOING,
        phone="0320248899",
        description="Contrats de professionnalisation dans le gros œuvre et les travaux publics.",
        spontaneous_applications_open=True,
        admin=DemoPerson(_email("employeur.geiq"), "Thierry", "Vandenberghe", "0666778899"),
    ),
    DemoCompany(
        kind=CompanyKind.EI,
        name="SAS La Recyclerie de Montreuil",
        brand="La Recyclerie de Montreuil",
        siren_base="84750213",
        address_line="128 rue de Paris",
        post_code="93100",
        commune_code=MONTREUIL,
        phone="0148573344",
        description="Collecte, tri et revente d'objets de seconde main ; réparation de vélos.",
        spontaneous_applications_open=True,
        admin=DemoPerson(_email("employeur.ei"), "Fatou", "Diallo", "0677889900"),
    ),
    DemoCompany(
        kind=CompanyKind.EA,
        name="Atelier adapté de Plaine Commune",
        brand="",
        siren_base="80634527",
        address_line="3 rue de la République",
        post_code="93200",
        commune_code=SAINT_DENIS,
        phone="0149336677",
        description="Conditionnement, numérisation de documents et blanchisserie.",
        spontaneous_applications_open=False,
        admin=DemoPerson(_email("employeur.ea"), "Marc", "Rousseau", "0688990011"),
    ),
)

PRESCRIBERS = (
    DemoPrescriber(
        kind=PrescriberOrganizationKind.FT,
        name="France Travail Lyon Part-Dieu",
        siren_base="18690412",
        address_line="78 rue de la Villette",
        post_code="69003",
        commune_code=LYON,
        phone="3949",
        admin=DemoPerson(_email("prescripteur.ft"), "Isabelle", "Moreau", "0612457890"),
    ),
    DemoPrescriber(
        kind=PrescriberOrganizationKind.ML,
        name="Mission locale de Roubaix",
        siren_base="77561230",
        address_line="8 rue de l'Alma",
        post_code="59100",
        commune_code=ROUBAIX,
        phone="0320815544",
        admin=DemoPerson(_email("prescripteur.ml"), "Mehdi", "Haddad", "0623568901"),
    ),
    DemoPrescriber(
        kind=PrescriberOrganizationKind.OTHER,
        name="Association Le Relais d'Aubervilliers",
        siren_base="45120398",
        address_line="5 rue du Moutier",
        post_code="93300",
        commune_code=AUBERVILLIERS,
        phone="0148340011",
        admin=DemoPerson(_email("orienteur"), "Claire", "Petit", "0634679012"),
    ),
)

INSTITUTIONS = (
    DemoInstitution(
        kind=InstitutionKind.DDETS_IAE,
        name="DDETS du Rhône",
        department_code="69",
        admin=DemoPerson(_email("inspecteur.ddets"), "Philippe", "Bernard", "0645780123"),
    ),
)

JOB_SEEKERS = (
    DemoJobSeeker(
        person=DemoPerson(_email("lea.martin"), "Léa", "Martin", "0701020304"),
        sex=2,
        birthdate=datetime.date(1998, 4, 12),
        birth_commune_code=LYON,
        nir_order=101,
        france_travail_id="4582317K",
        commune_code=LYON,
        address_line="32 avenue des Frères Lumière",
        education_level=EducationLevel.BAC_LEVEL,
    ),
    DemoJobSeeker(
        person=DemoPerson(_email("yanis.bouzid"), "Yanis", "Bouzid", "0702030405"),
        sex=1,
        birthdate=datetime.date(2004, 9, 3),
        birth_commune_code=VENISSIEUX,
        nir_order=102,
        france_travail_id="5120468B",
        commune_code=VENISSIEUX,
        address_line="5 rue Paul Bert",
        education_level=EducationLevel.CAP_BEP_TRAINING,
    ),
    DemoJobSeeker(
        person=DemoPerson(_email("kevin.lambert"), "Kévin", "Lambert", "0703040506"),
        sex=1,
        birthdate=datetime.date(1986, 1, 20),
        birth_commune_code=ROUBAIX,
        nir_order=103,
        france_travail_id="3904715M",
        commune_code=ROUBAIX,
        address_line="17 rue de Lannoy",
        education_level=EducationLevel.NO_SCHOOLING_BEYOND_MANDATORY,
    ),
    DemoJobSeeker(
        person=DemoPerson(_email("sandrine.delattre"), "Sandrine", "Delattre", "0704050607"),
        sex=2,
        birthdate=datetime.date(1972, 11, 2),
        birth_commune_code=TOURCOING,
        nir_order=104,
        france_travail_id="2768103D",
        commune_code=TOURCOING,
        address_line="44 rue de Gand",
        education_level=EducationLevel.CAP_BEP_DIPLOMA,
    ),
    DemoJobSeeker(
        person=DemoPerson(_email("aicha.traore"), "Aïcha", "Traoré", "0705060708"),
        sex=2,
        birthdate=datetime.date(1991, 6, 15),
        birth_commune_code=SAINT_DENIS,
        nir_order=105,
        france_travail_id="6031952T",
        commune_code=SAINT_DENIS,
        address_line="11 rue Gabriel Péri",
        education_level=EducationLevel.SHORT_TRAINING,
    ),
    DemoJobSeeker(
        person=DemoPerson(_email("moussa.camara"), "Moussa", "Camara", "0706070809"),
        sex=1,
        birthdate=datetime.date(1983, 2, 28),
        birth_commune_code=BOBIGNY,
        nir_order=106,
        france_travail_id="7245860C",
        commune_code=BOBIGNY,
        address_line="2 avenue Paul Vaillant-Couturier",
        education_level=EducationLevel.NON_CERTIFYING_QUALIFICATIONS,
    ),
)

# Employees of demo SIAE, one per PASS IAE situation (itou/approvals/demo.py): valid,
# suspended, ending with a prolongation request, in waiting period, expired.
PASS_JOB_SEEKERS = tuple(
    DemoJobSeeker(
        person=DemoPerson(_email(local_part), first_name, last_name, phone),
        sex=sex,
        birthdate=birthdate,
        birth_commune_code=commune,
        nir_order=order,
        france_travail_id=france_travail_id,
        commune_code=commune,
        address_line=address,
        education_level=EducationLevel.CAP_BEP_DIPLOMA,
    )
    for local_part, first_name, last_name, phone, sex, birthdate, commune, order, france_travail_id, address in (
        (
            "julie.roux",
            "Julie",
            "Roux",
            "0707080910",
            2,
            datetime.date(1990, 3, 8),
            LYON,
            107,
            "4719362A",
            "8 rue Garibaldi",
        ),
        (
            "omar.benali",
            "Omar",
            "Benali",
            "0708091011",
            1,
            datetime.date(1979, 7, 22),
            VENISSIEUX,
            108,
            "5836204E",
            "21 avenue Jean Jaurès",
        ),
        (
            "chloe.dupuis",
            "Chloé",
            "Dupuis",
            "0709101112",
            2,
            datetime.date(1995, 12, 1),
            ROUBAIX,
            109,
            "3692047F",
            "3 place de la Liberté",
        ),
        (
            "thomas.leroy",
            "Thomas",
            "Leroy",
            "0710111213",
            1,
            datetime.date(1968, 5, 14),
            TOURCOING,
            110,
            "2854716G",
            "56 boulevard Gambetta",
        ),
        (
            "fatima.kone",
            "Fatima",
            "Koné",
            "0711121314",
            2,
            datetime.date(1987, 10, 30),
            SAINT_DENIS,
            111,
            "6473018H",
            "14 rue de la République",
        ),
    )
)

STAFF = DemoPerson(_email("support"), "Camille", "Fontaine", "")
STAFF_ROLE = "Équipe support"


def demo_accounts() -> list[dict]:
    """The demo logins as shown on the login page: email, person's name, role in French.

    Built from the constants of this module: no database query.
    """
    accounts = []
    for org in (*COMPANIES, *PRESCRIBERS, *INSTITUTIONS):
        accounts.append({"email": org.admin.email, "label": org.admin.full_name, "role": org.role})
    for job_seeker in JOB_SEEKERS:
        person = job_seeker.person
        accounts.append({"email": person.email, "label": person.full_name, "role": job_seeker.role})
    for job_seeker, situation in zip(PASS_JOB_SEEKERS, PASS_SITUATIONS, strict=True):
        person = job_seeker.person
        accounts.append({"email": person.email, "label": person.full_name, "role": f"{job_seeker.role} — {situation}"})
    accounts += [
        {"email": _email(local_part), "label": label, "role": role} for local_part, label, role in EXTRA_ACCOUNTS
    ]
    accounts.append({"email": STAFF.email, "label": STAFF.full_name, "role": STAFF_ROLE})
    return accounts


# What the PASS IAE of each PASS_JOB_SEEKERS shows (itou/approvals/demo.py SCENARIOS).
PASS_SITUATIONS = (
    "PASS IAE valide",
    "PASS IAE suspendu",
    "PASS IAE bientôt fini, prolongation demandée",
    "PASS IAE en délai de carence",
    "PASS IAE expiré",
)

# Accounts created through the services by load_demo (_load_organization_life).
EXTRA_ACCOUNTS = (
    ("employeur.aci.membre", "Hugo Renaud", "Employeur (membre non administrateur) — ACI Les Jardins du Rhône"),
    ("orienteur.chrs", "Yves Carpentier", "Orienteur, habilitation en attente — CHRS Les Tilleuls"),
    ("acheteur", "Claire Martin", "Acheteuse — Métropole de Lyon (marché de l'inclusion)"),
)


class MissingReferenceData(Exception):
    """The geographic referential needed by the demo world is not loaded."""


@dataclasses.dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclasses.dataclass
class DemoSummary:
    tallies: dict[str, Tally] = dataclasses.field(default_factory=dict)

    def tally(self, label: str) -> Tally:
        return self.tallies.setdefault(label, Tally())

    @property
    def changed(self) -> bool:
        return any(t.created or t.updated for t in self.tallies.values())


def _upsert(
    summary: DemoSummary,
    label: str,
    model: type[models.Model],
    lookup: dict,
    values: dict,
    create_values: dict | None = None,
) -> models.Model:
    """Create the row found by `lookup`, or bring its `values` back to the demo's.

    Saves only when something differs, so that a second run writes nothing.
    `create_values` are only set on creation (what users may change in the demo).
    Foreign keys are given by attname (`commune_id`) so that comparing costs no query.
    """
    tally = summary.tally(label)
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values, **(create_values or {}))
        obj.full_clean()
        obj.save()
        tally.created += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save()
        tally.updated += 1
    else:
        tally.unchanged += 1
    return obj


def _check_reference_data() -> None:
    if not Commune.objects.exists():
        raise MissingReferenceData(
            "Les communes ne sont pas importées : lancez d'abord `manage.py import_geo`, puis `manage.py load_demo`."
        )
    found = set(Commune.objects.filter(code__in=DEMO_COMMUNE_CODES).values_list("code", flat=True))
    missing = sorted(set(DEMO_COMMUNE_CODES) - found)
    needed_departments = {inst.department_code for inst in INSTITUTIONS}
    missing_departments = needed_departments - set(
        Department.objects.filter(code__in=needed_departments).values_list("code", flat=True)
    )
    if missing or missing_departments:
        raise MissingReferenceData(
            "Il manque des données géographiques du monde de démonstration "
            f"(communes {', '.join(missing) or '—'}, départements {', '.join(sorted(missing_departments)) or '—'}) : "
            "relancez `manage.py import_geo`."
        )


def _upsert_user(
    summary: DemoSummary,
    person: DemoPerson,
    *,
    kind: UserKind,
    password_hash: str,
    reset_password: bool,
    is_superuser: bool = False,
) -> User:
    values = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "phone": person.phone,
        "kind": kind,
        "is_staff": kind == UserKind.STAFF,
        "is_superuser": is_superuser,
        "is_active": True,
    }
    password = {"password": password_hash}
    user = _upsert(
        summary,
        "utilisateurs",
        User,
        {"email": person.email},
        {**values, **password} if reset_password else values,
        create_values=None if reset_password else password,
    )
    # Email verification is mandatory to log in.
    _upsert(
        summary,
        "adresses e-mail vérifiées",
        EmailAddress,
        {"user_id": user.pk, "email": person.email},
        {"verified": True, "primary": True},
    )
    return user


def _communes_by_code() -> dict[str, Commune]:
    return {commune.code: commune for commune in Commune.objects.filter(code__in=DEMO_COMMUNE_CODES)}


@transaction.atomic
def load_demo(*, reset_passwords: bool = False) -> DemoSummary:
    """Build or restore the demo world in one transaction; running it twice changes nothing.

    It only creates and updates the demo's own rows, found by their natural keys
    (SIRET and kind, email, department…); it never deletes anything. Passwords and the
    opening of spontaneous applications are only set on creation, unless `reset_passwords`.
    Raises MissingReferenceData when the communes are not imported.
    """
    _check_reference_data()
    summary = DemoSummary()
    communes = _communes_by_code()
    # One hash for every account: hashing is deliberately slow.
    password_hash = make_password(DEMO_PASSWORD)
    user_options = {"password_hash": password_hash, "reset_password": reset_passwords}
    world = {"companies": {}, "prescribers": {}}

    for demo in COMPANIES:
        company = _upsert(
            summary,
            "employeurs",
            Company,
            {"siret": demo.siret, "kind": demo.kind},
            {
                "name": demo.name,
                "brand": demo.brand,
                "address_line": demo.address_line,
                "post_code": demo.post_code,
                "commune_id": communes[demo.commune_code].pk,
                "latitude": communes[demo.commune_code].latitude,
                "longitude": communes[demo.commune_code].longitude,
                "phone": demo.phone,
                "email": demo.admin.email,
                # Where employer signup links go: the demo's own mailbox shows them.
                "official_email": _email(f"contact.{demo.kind.lower()}"),
                "description": demo.description,
                "source": demo.source,
                "is_active": True,
            },
            create_values={
                "spontaneous_applications_open_since": timezone.now() if demo.spontaneous_applications_open else None
            },
        )
        user = _upsert_user(summary, demo.admin, kind=UserKind.PROFESSIONAL, **user_options)
        _upsert(
            summary,
            "membres d'employeurs",
            CompanyMembership,
            {"user_id": user.pk, "company_id": company.pk},
            {"is_admin": True, "is_active": True},
        )
        summary.tally("fiches de poste").created += job_descriptions_load_demo(acting_user=user, company=company)
        world["companies"][demo.kind] = (company, user)

    for demo in PRESCRIBERS:
        organization = _upsert(
            summary,
            "organisations prescriptrices",
            PrescriberOrganization,
            {"siret": demo.siret, "kind": demo.kind},
            {
                "name": demo.name,
                "address_line": demo.address_line,
                "post_code": demo.post_code,
                "commune_id": communes[demo.commune_code].pk,
                "latitude": communes[demo.commune_code].latitude,
                "longitude": communes[demo.commune_code].longitude,
                "phone": demo.phone,
                "email": demo.admin.email,
            },
        )
        user = _upsert_user(summary, demo.admin, kind=UserKind.PROFESSIONAL, **user_options)
        _upsert(
            summary,
            "membres d'organisations prescriptrices",
            PrescriberMembership,
            {"user_id": user.pk, "organization_id": organization.pk},
            {"is_admin": True, "is_active": True},
        )
        world["prescribers"][demo.kind] = (organization, user)

    for demo in INSTITUTIONS:
        institution = _upsert(
            summary,
            "institutions partenaires",
            Institution,
            {"kind": demo.kind, "department_id": demo.department_code},
            {"name": demo.name, "region_id": None},
        )
        user = _upsert_user(summary, demo.admin, kind=UserKind.PROFESSIONAL, **user_options)
        _upsert(
            summary,
            "membres d'institutions",
            InstitutionMembership,
            {"user_id": user.pk, "institution_id": institution.pk},
            {"is_admin": True, "is_active": True},
        )

    for demo in (*JOB_SEEKERS, *PASS_JOB_SEEKERS):
        user = _upsert_user(summary, demo.person, kind=UserKind.JOB_SEEKER, **user_options)
        _upsert(
            summary,
            "profils candidat",
            JobSeekerProfile,
            {"user_id": user.pk},
            {
                "birthdate": demo.birthdate,
                "nir": demo.nir,
                "lack_of_nir_reason": "",
                "france_travail_id": demo.france_travail_id,
                "commune_id": communes[demo.commune_code].pk,
                "address_line": demo.address_line,
                "education_level": demo.education_level,
            },
        )

    _upsert_user(summary, STAFF, kind=UserKind.STAFF, is_superuser=True, **user_options)
    _load_organization_life(summary, world, communes)
    summary.tally("structures des listes officielles").created += _load_official_structures()
    summary.tally("diagnostics d'éligibilité").created += load_demo_eligibility_diagnoses()
    summary.tally("candidatures").created += load_demo_job_applications()
    summary.tally("PASS IAE").created += load_demo_approvals()
    summary.tally("fiches salarié").created += load_demo_employee_records()
    summary.tally("contrôle a posteriori, fins de contrat et rapports d'activité").created += load_demo_control()
    summary.tally("support : rôles, doublons, demande de suppression").created += load_demo_backoffice()
    summary.tally("messages sur les candidatures").created += load_demo_exchanges()
    summary.tally("marché de l'inclusion : profils, acheteur, besoin").created += load_demo_marketplace()
    load_demo_stats()  # last: the figures of all the above
    return summary


def _load_organization_life(summary, world, communes) -> None:
    """Members, a pending invitation, a pending join request and an authorization claim,
    through the same services as the screens (their emails land in the dev mailbox)."""
    from itou.invitations import services as invitations
    from itou.invitations.models import Invitation, JoinRequest
    from itou.invitations.services import NewAccount
    from itou.prescribers.services import prescriber_organization_create

    aci, aci_admin = world["companies"][CompanyKind.ACI]
    for email, first_name, last_name, is_admin in (
        (_email("employeur.aci.membre"), "Hugo", "Renaud", False),
        (_email("employeur.aci.admin2"), "Léna", "Morel", True),
    ):
        if not User.objects.filter(email=email).exists():
            invitation = invitations.invitation_create(
                acting_user=aci_admin,
                organization=aci,
                email=email,
                first_name=first_name,
                last_name=last_name,
                is_admin=is_admin,
            )
            invitations.invitation_accept(
                acting_user=None,
                invitation=invitation,
                new_account=NewAccount(email=email, first_name=first_name, last_name=last_name, password=DEMO_PASSWORD),
            )
            summary.tally("membres d'employeurs").created += 1

    ft, ft_admin = world["prescribers"][PrescriberOrganizationKind.FT]
    if not Invitation.objects.for_organization(ft).pending().exists():
        invitations.invitation_create(
            acting_user=ft_admin,
            organization=ft,
            email=_email("nouveau.conseiller"),
            first_name="Samir",
            last_name="Ouali",
        )
        summary.tally("invitations en attente").created += 1

    ml, _ml_admin = world["prescribers"][PrescriberOrganizationKind.ML]
    if (
        not JoinRequest.objects.for_organization(ml).pending().exists()
        and not User.objects.filter(email=_email("demande.ml")).exists()
    ):
        join_request = invitations.join_request_create(
            acting_user=None,
            organization=ml,
            new_account=NewAccount(
                email=_email("demande.ml"), first_name="Zoé", last_name="Marchand", password=DEMO_PASSWORD
            ),
        )
        EmailAddress.objects.filter(user=join_request.user).update(verified=True)
        summary.tally("demandes d'adhésion en attente").created += 1

    if not User.objects.filter(email=_email("orienteur.chrs")).exists():
        result = prescriber_organization_create(
            acting_user=None,
            new_account=NewAccount(
                email=_email("orienteur.chrs"), first_name="Yves", last_name="Carpentier", password=DEMO_PASSWORD
            ),
            siret=make_siret("46231875"),
            kind=PrescriberOrganizationKind.CHRS,
            name="CHRS Les Tilleuls",
            address_line="12 rue Pierre de Roubaix",
            post_code="59100",
            commune=communes[ROUBAIX],
        )
        EmailAddress.objects.filter(user=result.user).update(verified=True)
        summary.tally("demandes d'habilitation en attente").created += 1


DEMO_STRUCTURES_FILE = Path(__file__).resolve().parent.parent / "companies" / "data" / "demo_structures.csv"


def _load_official_structures() -> int:
    """The sample of an official list (ASP, GEIQ, EA): structures without members yet,
    so that the employer signup by SIRET can be tried on them. Returns how many were new."""
    before = Company.objects.count()
    call_command("import_structures", str(DEMO_STRUCTURES_FILE), verbosity=0, stdout=io.StringIO())
    return Company.objects.count() - before
