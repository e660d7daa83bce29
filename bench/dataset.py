"""A synthetic world at the scale of France, for benchmarks (see bench/README.md and
docs/performance.md).

`generate(connection, scale=...)` fills the database of `connection` (a psycopg 3
connection, inside a transaction that the caller commits) with job seekers, employers,
job descriptions, prescriber organizations, institutions and applications with their
transition logs. It needs the reference data (communes with their population, ROME
appellations) and wipes the tables it fills.

Speed comes from doing as little work per row as possible:
- every identifier is computed here (ranges reserved in the sequences), so that related
  rows are written without a round trip;
- rows are written as lines of PostgreSQL's COPY text format (psycopg `cursor.copy()`),
  into tables truncated in the same transaction, with FREEZE, while the next ones are
  generated (a thread writes the applications: BackgroundCopy);
- the keys, indexes and foreign keys of the filled tables are dropped before the load and
  rebuilt once at the end (which also checks them), then the tables are analyzed;
- one `random.Random` per step, seeded from `seed` and the step's name: the same seed and
  date give the same rows, and a new step does not change the others.

The steps are registered in STEPS, in foreign key order. After `applications`, the
`approvals` step derives the eligibility diagnoses and the PASS IAE (suspensions,
prolongations, requests) from the hires of SIAE, in SQL; `employee_records` follows.
"""

import bisect
import contextlib
import dataclasses
import datetime
import itertools
import json
import math
import queue
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator

import psycopg
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from tqdm import tqdm

from itou.companies.enums import CONTRACT_TYPES_BY_COMPANY_KIND, SIAE_KINDS, CompanyKind, CompanySource, ContractType
from itou.companies.models import Company, CompanyMembership, JobDescription
from itou.demo.world import make_siret
from itou.institutions.enums import InstitutionKind
from itou.institutions.models import Institution, InstitutionMembership
from itou.job_applications import workflow
from itou.job_applications.enums import JobApplicationState, PriorActionKind, RefusalReason, SenderKind
from itou.job_applications.models import JobApplication, JobApplicationTransitionLog
from itou.job_applications.workflow import ARCHIVABLE_STATES, TRANSITIONS
from itou.prescribers.enums import AUTHORIZED_BY_LAW_KINDS, PrescriberAuthorizationStatus, PrescriberOrganizationKind
from itou.prescribers.models import PrescriberMembership, PrescriberOrganization
from itou.users.enums import EducationLevel, LackOfNIRReason, UserKind
from itou.users.models import JobSeekerProfile, User

# Every generated account has this password (hashed once, with a fixed salt).
BENCH_PASSWORD = "Bench-inclusion-2026!"
PASSWORD_SALT = "benchinclusion2026"
# A reserved top-level domain (RFC 2606): no email can ever leave for a real mailbox.
EMAIL_DOMAIN = "bench.inclusion.test"
# Log rows that are not transitions (from_state == to_state), named as the services name them.
CREATION_TRANSITION = getattr(workflow, "CREATION", "create")
ARCHIVE_LOG = getattr(workflow, "ARCHIVE", "archive")

T_USER = User._meta.db_table
T_PROFILE = JobSeekerProfile._meta.db_table
T_EMAIL = EmailAddress._meta.db_table
T_COMPANY = Company._meta.db_table
T_COMPANY_MEMBERSHIP = CompanyMembership._meta.db_table
T_JOB_DESCRIPTION = JobDescription._meta.db_table
T_PRESCRIBER = PrescriberOrganization._meta.db_table
T_PRESCRIBER_MEMBERSHIP = PrescriberMembership._meta.db_table
T_INSTITUTION = Institution._meta.db_table
T_INSTITUTION_MEMBERSHIP = InstitutionMembership._meta.db_table
T_APPLICATION = JobApplication._meta.db_table
T_SELECTED_JOBS = JobApplication.selected_jobs.through._meta.db_table
T_LOG = JobApplicationTransitionLog._meta.db_table


class GenerationError(Exception):
    """The target database cannot receive the world (missing reference data…)."""


# ---------------------------------------------------------------------------------------
# Scales
# ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Scale:
    name: str
    job_seekers: int
    companies: int
    job_descriptions: int
    prescriber_organizations: int
    applications: int
    # None: every commune of France; otherwise the communes of this department only.
    department: str | None = None
    # Cap on the members of one prescriber organization (France Travail agencies have dozens).
    max_prescriber_members: int | None = None
    # Applications are spread over this many years before the generation date.
    years: int = 4


FRANCE = Scale(
    "france",
    job_seekers=1_500_000,
    companies=10_000,
    job_descriptions=100_000,
    prescriber_organizations=30_000,
    applications=3_000_000,
)
SCALES = {
    "france": FRANCE,
    # 1/100 of France in the Rhône: for CI and quick local benchmarks.
    "department": dataclasses.replace(
        FRANCE,
        name="department",
        job_seekers=FRANCE.job_seekers // 100,
        companies=FRANCE.companies // 100,
        job_descriptions=FRANCE.job_descriptions // 100,
        prescriber_organizations=FRANCE.prescriber_organizations // 100,
        applications=FRANCE.applications // 100,
        department="69",
    ),
    # A few hundred rows, every kind of employer and prescriber: for tests.
    "demo": Scale(
        "demo",
        job_seekers=200,
        companies=16,
        job_descriptions=160,
        prescriber_organizations=24,
        applications=400,
        department="69",
        max_prescriber_members=3,
    ),
}

# Employers: kind mix (%) — 40 % ACI, 20 % AI, 20 % EI, 8 % ETTI, the rest EITI, GEIQ, EA, EATT.
COMPANY_KIND_WEIGHTS = {
    CompanyKind.ACI: 40,
    CompanyKind.AI: 20,
    CompanyKind.EI: 20,
    CompanyKind.ETTI: 8,
    CompanyKind.EITI: 2,
    CompanyKind.GEIQ: 4,
    CompanyKind.EA: 5,
    CompanyKind.EATT: 1,
}
ANTENNE_SHARE = 0.05
COMPANY_MEMBER_COUNTS = {1: 50, 2: 35, 3: 15}

PRESCRIBER_KIND_WEIGHTS = {
    PrescriberOrganizationKind.FT: 4,
    PrescriberOrganizationKind.ML: 2,
    PrescriberOrganizationKind.CAP_EMPLOI: 1,
    PrescriberOrganizationKind.DEPT: 2,
    PrescriberOrganizationKind.SPIP: 1,
    PrescriberOrganizationKind.PJJ: 1,
    PrescriberOrganizationKind.CCAS: 14,
    PrescriberOrganizationKind.PLIE: 3,
    PrescriberOrganizationKind.CHRS: 8,
    PrescriberOrganizationKind.CHU: 3,
    PrescriberOrganizationKind.CIDFF: 1,
    PrescriberOrganizationKind.CAF: 1,
    PrescriberOrganizationKind.CADA: 4,
    PrescriberOrganizationKind.ASE: 3,
    PrescriberOrganizationKind.E2C: 1,
    PrescriberOrganizationKind.EPIDE: 0.5,
    PrescriberOrganizationKind.AFPA: 1,
    PrescriberOrganizationKind.PIJ_BIJ: 3,
    PrescriberOrganizationKind.PREVENTION: 4,
    PrescriberOrganizationKind.OTHER: 42.5,
}
# Organizations not authorized by law: a prefect's decision, or still waiting.
# With the 11 % authorized by law, about 60 % of all organizations are authorized.
PRESCRIBER_STATUS_WEIGHTS = {
    PrescriberAuthorizationStatus.VALIDATED: 55,
    PrescriberAuthorizationStatus.NOT_SET: 30,
    PrescriberAuthorizationStatus.REFUSED: 10,
    PrescriberAuthorizationStatus.NOT_REQUIRED: 5,
}
# Members of one organization: (min, max) by kind; the others have 1 to 4.
PRESCRIBER_MEMBER_RANGES = {
    PrescriberOrganizationKind.FT: (8, 40),
    PrescriberOrganizationKind.ML: (4, 15),
    PrescriberOrganizationKind.DEPT: (4, 20),
    PrescriberOrganizationKind.CAP_EMPLOI: (3, 8),
    PrescriberOrganizationKind.SPIP: (2, 8),
}
# How many applications an organization sends, relative to the others.
PRESCRIBER_ACTIVITY = {
    PrescriberOrganizationKind.FT: 12,
    PrescriberOrganizationKind.ML: 6,
    PrescriberOrganizationKind.DEPT: 5,
    PrescriberOrganizationKind.CAP_EMPLOI: 3,
    PrescriberOrganizationKind.SPIP: 2,
}

SENDER_KIND_WEIGHTS = {SenderKind.PRESCRIBER: 60, SenderKind.JOB_SEEKER: 25, SenderKind.EMPLOYER: 15}
# Auto-prescription: the employers that hire under an eligibility diagnosis of their own.
SELF_PRESCRIBING_KINDS = SIAE_KINDS | {CompanyKind.GEIQ}

S = JobApplicationState
# Final states by age of the application: recent ones are still pending, old ones decided.
# `obsolete` is not drawn: it comes from another application of the job seeker accepted
# while this one was pending. `prior_to_hire` only at a GEIQ, where prior actions are common.
RECENT_DAYS = 60
RECENT_STATE_WEIGHTS = {
    S.NEW: 30,
    S.PROCESSING: 22,
    S.POSTPONED: 8,
    S.POOL: 6,
    S.PRIOR_TO_HIRE: 0,
    S.ACCEPTED: 11,
    S.REFUSED: 16,
    S.CANCELLED: 1,
}
# No old `new` or `processing`: the daily job refuses them after 60 days idle.
OLD_STATE_WEIGHTS = {
    S.NEW: 0,
    S.PROCESSING: 0,
    S.POSTPONED: 2,
    S.POOL: 4,
    S.PRIOR_TO_HIRE: 0,
    S.ACCEPTED: 19,
    S.REFUSED: 66,
    S.CANCELLED: 2,
}
GEIQ_PRIOR_TO_HIRE_WEIGHTS = {"recent": 25, "old": 4}
# Share of old refusals made by the platform after 60 days without an answer.
AUTO_REFUSAL_SHARE = 0.2
AUTO_REFUSAL_DAYS = 60
AUTO_ARCHIVE_DAYS = 180
# The transitions from `new` to each final state, with their weights.
PATHS = {
    S.NEW: [((), 1)],
    S.PROCESSING: [(("process",), 1)],
    S.POSTPONED: [(("postpone",), 3), (("process", "postpone"), 7)],
    S.POOL: [(("add_to_pool",), 5), (("process", "add_to_pool"), 5)],
    S.PRIOR_TO_HIRE: [(("move_to_prior_to_hire",), 3), (("process", "move_to_prior_to_hire"), 7)],
    S.ACCEPTED: [
        (("accept",), 25),
        (("process", "accept"), 55),
        (("process", "postpone", "accept"), 8),
        (("add_to_pool", "process", "accept"), 4),
    ],
    S.REFUSED: [
        (("refuse",), 30),
        (("process", "refuse"), 55),
        (("process", "postpone", "refuse"), 8),
        (("add_to_pool", "refuse"), 7),
    ],
    S.CANCELLED: [(("process", "accept", "cancel"), 1)],
}
GEIQ_ACCEPT_PATH = ("process", "move_to_prior_to_hire", "accept")
PENDING_AT_HIRE = {S.NEW, S.PROCESSING, S.POSTPONED}  # the sources of render_obsolete

REFUSAL_REASON_WEIGHTS = {
    RefusalReason.DID_NOT_COME: 12,
    RefusalReason.DID_NOT_COME_TO_INTERVIEW: 10,
    RefusalReason.HIRED_ELSEWHERE: 10,
    RefusalReason.TRAINING: 3,
    RefusalReason.NON_ELIGIBLE: 5,
    RefusalReason.NOT_MOBILE: 4,
    RefusalReason.NOT_INTERESTED: 10,
    RefusalReason.LACKING_SKILLS: 8,
    RefusalReason.INCOMPATIBLE: 5,
    RefusalReason.PREVENT_OBJECTIVES: 2,
    RefusalReason.NO_POSITION: 15,
    RefusalReason.DUPLICATE: 4,
    RefusalReason.OTHER: 12,
}

EDUCATION_LEVEL_WEIGHTS = {
    EducationLevel.NEVER_SCHOOLED: 2,
    EducationLevel.NO_SCHOOLING_BEYOND_MANDATORY: 10,
    EducationLevel.SHORT_TRAINING: 6,
    EducationLevel.CAP_BEP_TRAINING: 20,
    EducationLevel.CAP_BEP_DIPLOMA: 18,
    EducationLevel.BAC_LEVEL: 14,
    EducationLevel.BT_BACPRO_DIPLOMA: 10,
    EducationLevel.BTS_DUT_LEVEL: 6,
    EducationLevel.LICENCE_LEVEL: 4,
    EducationLevel.THIRD_CYCLE_OR_ENGINEERING_SCHOOL: 1,
    EducationLevel.NON_CERTIFYING_QUALIFICATIONS: 9,
}
# Job seekers' age: (min, max, weight).
AGE_BANDS = [(16, 25, 30), (26, 49, 52), (50, 64, 18)]
NO_NIR_SHARE = 0.03
BORN_ABROAD_SHARE = 0.12
FRANCE_TRAVAIL_ID_SHARE = 0.65

# ---------------------------------------------------------------------------------------
# Words (no tab, backslash or newline: they go as is into COPY lines)
# ---------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


MALE_FIRST_NAMES = _words(
    "Adam Adrien Ahmed Alain Alexandre Ali Amadou Antoine Arnaud Arthur Aurélien Bastien Benjamin Bernard "
    "Bruno Cédric Christophe Clément Cyril Damien David Denis Didier Dylan Éric Fabien Florian François "
    "Franck Gabriel Guillaume Hamza Hugo Ibrahim Jérôme Jordan José Julien Karim Kevin Laurent Loïc Louis "
    "Lucas Mamadou Marc Mathieu Maxime Mehdi Michel Mohamed Moussa Nicolas Olivier Omar Pascal Patrick "
    "Paul Philippe Pierre Quentin Rachid Raphaël Rémi Romain Samir Sébastien Stéphane Sylvain Théo Thierry "
    "Thomas Tony Valentin Vincent Yannick Yassine Youssef"
)
FEMALE_FIRST_NAMES = _words(
    "Agnès Aïcha Alice Amandine Amina Anaïs Anne Audrey Aurélie Camille Carole Caroline Céline Chloé "
    "Christine Claire Coralie Delphine Élodie Émilie Emma Estelle Fanny Fatima Fatoumata Florence Hélène "
    "Inès Isabelle Jade Jessica Julie Justine Karine Katia Laetitia Laura Léa Leïla Linda Louise Lucie "
    "Magali Manon Mariam Marie Marine Mathilde Mélanie Myriam Nadia Nathalie Nora Océane Pauline Rose "
    "Sabrina Samia Sandrine Sarah Séverine Sonia Sophie Stéphanie Sylvie Valérie Vanessa Virginie Yasmine Zoé"
)
LAST_NAMES = _words(
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefebvre Leroy "
    "Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller "
    "Lefèvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia "
    "Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont "
    "Marie Lemaire Noël Meyer Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard "
    "Barbier Arnaud Martinez Gérard Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre "
    "Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet "
    "Rolland Leclercq Guillaume Lecomte Lopez Jean Dupuy Guillot Hubert Berger Carpentier Sanchez Dupuis "
    "Moulin Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet Adam Paris Poirier "
    "Marty Aubry Guyot Carré Charles Renault Charpentier Ménard Maillard Baron Bertin Bailly Hervé "
    "Schneider Fernandez Gall Collet Léger Bouvier Julien Prévost Millet Perrot Daniel Cousin Germain "
    "Breton Besson Langlois Rémy Pelletier Lévêque Perrier Leblanc Barré Lebrun Marchal Weber Mallet "
    "Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard Gillet Étienne Grondin Poulain Tessier "
    "Chevallier Collin Chauvin Bouchet Gay Lemaître Bénard Maréchal Diallo Traoré Koné Diop Camara "
    "Benali Haddad Mansouri Belkacem Bouzid Cherif Amrani Saïdi Nguyen Tran Pham Silva Ferreira Costa"
)
STREETS = [
    "rue de la République",
    "avenue Jean Jaurès",
    "rue Victor Hugo",
    "rue Pasteur",
    "boulevard Gambetta",
    "rue de la Gare",
    "place de la Mairie",
    "rue du Général de Gaulle",
    "avenue de la Libération",
    "rue des Écoles",
    "chemin des Vignes",
    "rue de l'Église",
    "rue Émile Zola",
    "allée des Tilleuls",
    "rue du Moulin",
    "avenue des Frères Lumière",
    "rue Jules Ferry",
    "impasse des Lilas",
    "rue de la Paix",
    "quai de Saône",
]
COMPANY_NAMES = {
    CompanyKind.ACI: [
        "Les Jardins {de}",
        "Chantier d'insertion {de}",
        "Recyclerie {de}",
        "Atelier vélo {de}",
        "Ressourcerie {de}",
        "Les Ateliers {de}",
    ],
    CompanyKind.AI: ["Association intermédiaire {de}", "Services et entraide {de}", "Solidarité emploi {de}"],
    CompanyKind.EI: [
        "Entreprise d'insertion {de}",
        "Bâtiment solidaire {de}",
        "Propreté solidaire {de}",
        "Restaurant d'insertion {de}",
        "Traiteur solidaire {de}",
    ],
    CompanyKind.ETTI: ["Intérim solidaire {de}", "Tremplin intérim {de}"],
    CompanyKind.EITI: ["Coopérative d'activités {de}", "Indépendants solidaires {de}"],
    CompanyKind.GEIQ: ["GEIQ BTP {de}", "GEIQ Propreté {de}", "GEIQ Transport {de}", "GEIQ Industrie {de}"],
    CompanyKind.EA: ["Entreprise adaptée {de}", "Atelier adapté {de}"],
    CompanyKind.EATT: ["Intérim adapté {de}"],
}
COMPANY_SOURCES = {
    CompanyKind.GEIQ: CompanySource.GEIQ,
    CompanyKind.EA: CompanySource.EA_EATT,
    CompanyKind.EATT: CompanySource.EA_EATT,
}
COMPANY_DESCRIPTIONS = [
    "Structure d'insertion accompagnant des personnes éloignées de l'emploi vers un emploi durable.",
    "Nous proposons des contrats d'insertion avec un accompagnement socioprofessionnel individualisé.",
    "Chantier d'insertion dans l'entretien des espaces verts et la valorisation des déchets.",
    "Entreprise solidaire : production, formation et accompagnement vers l'emploi.",
    "Mise à disposition de personnel auprès de particuliers, d'associations et d'entreprises.",
]
PRESCRIBER_NAMES = {
    PrescriberOrganizationKind.FT: "France Travail {commune}",
    PrescriberOrganizationKind.ML: "Mission locale {de}",
    PrescriberOrganizationKind.CAP_EMPLOI: "Cap emploi {de}",
    PrescriberOrganizationKind.DEPT: "Maison départementale des solidarités {de}",
    PrescriberOrganizationKind.SPIP: "SPIP {de}",
    PrescriberOrganizationKind.PJJ: "PJJ – unité éducative {de}",
    PrescriberOrganizationKind.CCAS: "CCAS {de}",
    PrescriberOrganizationKind.PLIE: "PLIE {de}",
    PrescriberOrganizationKind.CHRS: "CHRS {de}",
    PrescriberOrganizationKind.CHU: "Centre d'hébergement d'urgence {de}",
    PrescriberOrganizationKind.CIDFF: "CIDFF {de}",
    PrescriberOrganizationKind.CAF: "CAF – antenne {de}",
    PrescriberOrganizationKind.CADA: "CADA {de}",
    PrescriberOrganizationKind.ASE: "Aide sociale à l'enfance {de}",
    PrescriberOrganizationKind.E2C: "École de la deuxième chance {de}",
    PrescriberOrganizationKind.EPIDE: "EPIDE {de}",
    PrescriberOrganizationKind.AFPA: "AFPA {de}",
    PrescriberOrganizationKind.PIJ_BIJ: "Point information jeunesse {de}",
    PrescriberOrganizationKind.PREVENTION: "Club de prévention {de}",
    PrescriberOrganizationKind.OTHER: "Association d'accompagnement {de}",
}
JOB_DESCRIPTIONS = [
    "Au sein d'une équipe encadrée par un encadrant technique, vous participerez aux travaux de la structure.",
    "Vous serez accompagné(e) tout au long de votre parcours : formation, accompagnement social et professionnel.",
    "Poste accessible sans expérience : nous formons aux gestes du métier.",
    "Travail en équipe, horaires de journée, tenue de travail fournie.",
]
PROFILES_SOUGHT = [
    "Motivation et envie d'apprendre.",
    "Ponctualité, goût du travail en équipe.",
    "Une première expérience est un plus mais n'est pas exigée.",
    "",
]
APPLICATION_MESSAGES = [
    "Bonjour, je vous propose la candidature de cette personne, motivée et disponible rapidement.",
    "Candidat accompagné depuis plusieurs mois, projet professionnel validé.",
    "Bonjour, je suis très intéressé(e) par ce poste et disponible immédiatement.",
    "Personne mobile, souhaitant reprendre une activité rapidement.",
    "Suite à notre entretien, je vous transmets ma candidature.",
    "",
]
REFUSAL_ANSWERS = [
    "Nous ne pouvons pas donner suite à votre candidature pour le moment.",
    "Merci pour votre candidature ; le poste a été pourvu.",
    "Votre profil ne correspond pas aux besoins actuels de la structure.",
]
POSTPONE_COMMENTS = ["En attente d'un poste", "Entretien à programmer", "Attente de documents"]
# Birth places abroad (INSEE country codes, department 99 in the NIR).
FOREIGN_BIRTH_PLACES = ["99350", "99352", "99351", "99139", "99134", "99127", "99109", "99341", "99335", "99212"]

# ---------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------

NULL = "\\N"  # COPY text format
EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()
DAY = 86_400
_DATES: dict[int, str] = {}


def date_text(ordinal: int) -> str:
    """The ISO text of a date given as a proleptic ordinal (cached: few distinct days)."""
    text = _DATES.get(ordinal)
    if text is None:
        text = _DATES[ordinal] = datetime.date.fromordinal(ordinal).isoformat()
    return text


_TIMES_OF_DAY = [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00" for s in range(DAY)]


def ts(seconds: int) -> str:
    """A timestamp in seconds since the Unix epoch, as COPY text in UTC."""
    days, rest = divmod(seconds, DAY)
    text = _DATES.get(EPOCH_ORDINAL + days) or date_text(EPOCH_ORDINAL + days)
    return text + _TIMES_OF_DAY[rest]


def day_of(seconds: int) -> int:
    return EPOCH_ORDINAL + seconds // DAY


def copy_text(value: str) -> str:
    """Escape free text for the COPY text format."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def allocate(total: int, weights: dict, *, minimum: int = 1) -> dict:
    """Split `total` by `weights` (largest remainders); each key gets at least `minimum`
    when the total allows it. Exact and reproducible, unlike random draws."""
    keys = list(weights)
    if total < minimum * len(keys):
        minimum = 0
    remaining = total - minimum * len(keys)
    weight_sum = sum(weights.values())
    shares = {key: remaining * weights[key] / weight_sum for key in keys}
    result = {key: minimum + int(shares[key]) for key in keys}
    leftover = total - sum(result.values())
    for key in sorted(keys, key=lambda k: shares[k] - int(shares[k]), reverse=True)[:leftover]:
        result[key] += 1
    return result


class FastRandom(random.Random):
    """random.Random whose choice() and randrange() go through random(): several times
    faster than the unbiased originals, a bias of 2**-53 that does not matter here."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randrange(self, start, stop=None):
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))

    def randint(self, a, b):
        return self.randrange(a, b + 1)


class Picker:
    """Fast weighted choice among `items` (cumulative weights + bisect)."""

    def __init__(self, items: list, weights: Iterable[float]):
        self.items = items
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1] if self.cumulative else 0

    def __len__(self):
        return len(self.items)

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def weighted(weights: dict) -> Picker:
    return Picker(list(weights), weights.values())


def de(name: str) -> str:
    """French "de" before a place name: "de Lyon", "d'Oullins", "du Havre", "des Ulis"."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name[:1] in "AEIOUYÉÈÊÂÎÔH":
        return "d'" + name
    return "de " + name


def nir_key(body: str) -> str:
    """The 2-digit key of a 13-character NIR body (Corsica: 2A → 19, 2B → 18)."""
    return f"{97 - int(body.replace('2A', '19').replace('2B', '18')) % 97:02d}"


# ---------------------------------------------------------------------------------------
# What the steps share
# ---------------------------------------------------------------------------------------


@dataclasses.dataclass
class TableReport:
    rows: int = 0
    copy_seconds: float = 0.0
    index_seconds: float = 0.0


@dataclasses.dataclass
class Report:
    scale: str
    seed: int
    tables: dict[str, TableReport] = dataclasses.field(default_factory=dict)
    steps: dict[str, float] = dataclasses.field(default_factory=dict)
    phases: dict[str, float] = dataclasses.field(default_factory=dict)
    total_seconds: float = 0.0

    def table(self, name: str) -> TableReport:
        return self.tables.setdefault(name, TableReport())


@dataclasses.dataclass
class Communes:
    """The inhabited communes of the scale's area with coordinates, weighted by population."""

    codes: list[str]
    names: list[str]
    departments: list[str]
    latitudes: list[float]
    longitudes: list[float]
    post_codes: list[str]
    all: Picker
    by_department: dict[str, Picker]

    def pick(self, rng: random.Random, department: str | None = None) -> int:
        picker = self.by_department.get(department, self.all) if department else self.all
        return picker.pick(rng)


class CompanyRow:
    __slots__ = ("id", "kind", "commune", "department", "weight", "members", "jobs", "siren", "nic", "nics")

    def __init__(self, id, kind, commune, department, weight):
        self.id = id
        self.kind = kind
        self.commune = commune
        self.department = department
        self.weight = weight
        self.members: list[int] = []
        self.jobs: list[int] = []
        self.siren = ""
        self.nic = 1  # establishment number in the SIRET
        self.nics = 1  # establishments of the SIREN so far (a parent and its antennes)


class OrganizationRow:
    __slots__ = ("id", "kind", "department", "authorized", "members")

    def __init__(self, id, kind, department, authorized):
        self.id = id
        self.kind = kind
        self.department = department
        self.authorized = authorized
        self.members: list[int] = []


@dataclasses.dataclass(frozen=True)
class Hire:
    """An accepted (or accepted then cancelled) application: what PASS IAE will need."""

    application_id: str
    job_seeker_id: int
    company_id: int
    company_kind: str
    sender_kind: str
    sender_prescriber_organization_id: int | None
    accepted_at: int  # seconds since the epoch
    hiring_start: int  # date ordinal
    hiring_end: int | None
    state: str


@dataclasses.dataclass(frozen=True)
class Step:
    name: str
    tables: tuple[str, ...]
    run: Callable[["Generation"], None]


STEPS: dict[str, Step] = {}


def register_step(name: str, *tables: str):
    """Register a generation step: it fills `tables` (truncated and bulk-loaded), in
    registration order. A later step reads what earlier ones kept on the Generation."""

    def decorator(function):
        STEPS[name] = Step(name, tables, function)
        return function

    return decorator


class Generation:
    """State shared by the steps of one generation: connection, random generators,
    reference data, and what each step created (identifiers, locations…)."""

    def __init__(self, connection, scale: Scale, *, seed: int, today: datetime.date, progress: bool):
        self.connection = connection
        self.cursor = connection.cursor()
        self.scale = scale
        self.seed = seed
        self.today = today
        self.now = int(datetime.datetime.combine(today, datetime.time(), datetime.UTC).timestamp())
        self.start = self.now - int(scale.years * 365.25 * DAY)
        self.progress = progress
        self.report = Report(scale=scale.name, seed=seed)
        self.password_hash = make_password(BENCH_PASSWORD, salt=PASSWORD_SALT)
        self.freeze = True  # COPY … WITH (FREEZE): every filled table was truncated in the transaction
        self.professional_counters: dict[str, int] = {}
        # Filled by the steps.
        self.communes: Communes | None = None
        self.appellations: list[tuple[str, str, str]] = []
        self.departments: dict[str, tuple[str, str]] = {}  # code → (name, region)
        self.regions: dict[str, str] = {}
        self.job_seeker_first_id = 0
        self.job_seeker_communes: list[int] = []
        self.job_seeker_joined: list[int] = []
        self.job_seeker_birth_ordinals: list[int] = []
        self.companies: list[CompanyRow] = []
        self.company_created: list[int] = []
        self.job_first_id = 0
        self.job_created: list[int] = []  # by job description, from job_first_id on
        self.organizations: list[OrganizationRow] = []
        self.hires: list[Hire] = []

    def rng(self, step: str) -> FastRandom:
        return FastRandom(f"{self.seed}:{step}")

    # Identifiers ------------------------------------------------------------------------

    def reserve_ids(self, table: str, count: int) -> int:
        """Reserve `count` identifiers in the table's sequence; return the first one."""
        self.cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
        first = self.cursor.fetchone()[0]
        if count > 1:
            self.cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, first + count - 1])
        elif count == 0:
            self.cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [table, first])
        return first

    # Writing ----------------------------------------------------------------------------

    def bar(self, total: int | None, table: str):
        return tqdm(total=total, desc=f"{table:<46}", unit=" lignes", disable=not self.progress, leave=True)

    def copy(self, table: str, columns: list[str], lines: Iterable[str], *, total: int | None = None) -> int:
        """COPY the lines (COPY text format, each ending with a newline) into the table."""

        def blocks():
            batch = []
            for line in lines:
                batch.append(line)
                if len(batch) == 5000:
                    yield "".join(batch), 5000
                    batch.clear()
            if batch:
                yield "".join(batch), len(batch)

        return self.copy_blocks(table, columns, blocks(), total=total)

    def copy_blocks(self, table: str, columns: list[str], blocks, *, total: int | None = None, bar=None) -> int:
        """COPY blocks of lines given as (text, number of lines), with a progress bar (its
        own, or `bar`, kept open by the caller)."""
        started = time.monotonic()
        # FREEZE: the tables were truncated in this transaction; rows are written frozen and
        # visible to all, so no VACUUM has to rewrite them later.
        statement = sql.SQL("COPY {} ({}) FROM STDIN" + (" WITH (FREEZE)" if self.freeze else "")).format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        count = 0
        with (
            self.cursor.copy(statement) as copy,
            contextlib.nullcontext(bar) if bar is not None else self.bar(total, table) as progress,
        ):
            for text, lines in blocks:
                copy.write(text)
                progress.update(lines)
                count += lines
        entry = self.report.table(table)
        entry.rows += count
        entry.copy_seconds += time.monotonic() - started
        return count

    def add_professionals(
        self, role: str, joined: list[int], rng: random.Random, *, kind: str = UserKind.PROFESSIONAL.value
    ) -> list[int]:
        """Create professional users (role: "employeur", "prescripteur"…; `kind`: buyers of
        the marketplace too) with a verified email `{role}{n}@bench.inclusion.test`; return
        their identifiers."""
        count = len(joined)
        first_id = self.reserve_ids(T_USER, count)
        first_number = self.professional_counters.get(role, 0) + 1
        self.professional_counters[role] = first_number + count - 1
        password = self.password_hash

        def user_lines():
            for i, when in enumerate(joined):
                male = rng.random() < 0.45
                first = rng.choice(MALE_FIRST_NAMES if male else FEMALE_FIRST_NAMES)
                last = rng.choice(LAST_NAMES)
                moment = ts(when)
                yield (
                    f"{first_id + i}\t{password}\t\\N\tf\t{kind}\t{role}{first_number + i}@{EMAIL_DOMAIN}\t"
                    f"{first}\t{last}\t0{rng.randrange(1, 6)}{rng.randrange(10**8):08d}\tf\tt\t{moment}\t{moment}\n"
                )

        self.copy(T_USER, USER_COLUMNS, user_lines(), total=count)
        self.write_email_addresses(
            ((first_id + i, f"{role}{first_number + i}@{EMAIL_DOMAIN}") for i in range(count)), count
        )
        return list(range(first_id, first_id + count))

    def write_email_addresses(self, pairs: Iterable[tuple[int, str]], count: int) -> None:
        first_id = self.reserve_ids(T_EMAIL, count)
        self.copy(
            T_EMAIL,
            ["id", "email", "verified", "primary", "user_id"],
            (f"{first_id + i}\t{email}\tt\tt\t{user_id}\n" for i, (user_id, email) in enumerate(pairs)),
            total=count,
        )

    def membership_lines(self, first_id: int, rows: Iterable[tuple[int, int, bool, int]]) -> Iterator[str]:
        """(organization id, user id, is admin, joined at) → membership lines."""
        for i, (organization_id, user_id, is_admin, joined) in enumerate(rows):
            yield f"{first_id + i}\t{'t' if is_admin else 'f'}\tt\t{ts(joined)}\t{organization_id}\t{user_id}\n"

    def some_time(self, rng: random.Random, after: int | None = None) -> int:
        """A moment between `after` (default: the start of the period) and now."""
        low = self.start if after is None else after
        return low + int((self.now - low) * rng.random())


USER_COLUMNS = [
    "id",
    "password",
    "last_login",
    "is_superuser",
    "kind",
    "email",
    "first_name",
    "last_name",
    "phone",
    "is_staff",
    "is_active",
    "date_joined",
    "updated_at",
]
MEMBERSHIP_COLUMNS = ["id", "is_admin", "is_active", "joined_at"]


# ---------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------


def load_reference_data(g: Generation) -> None:
    cursor = g.cursor
    query = (
        "SELECT code, name, department_id, population, latitude, longitude, COALESCE(postal_codes[1], '') "
        "FROM geo_commune WHERE population > 0 AND latitude IS NOT NULL AND longitude IS NOT NULL"
    )
    params = []
    if g.scale.department:
        query += " AND department_id = %s"
        params.append(g.scale.department)
    cursor.execute(query + " ORDER BY code", params)
    rows = cursor.fetchall()
    if not rows:
        where = f"du département {g.scale.department}" if g.scale.department else "de France"
        raise GenerationError(
            f"Aucune commune habitée {where} avec coordonnées : lancez d'abord `manage.py import_geo`."
        )
    by_department: dict[str, tuple[list[int], list[int]]] = {}
    for index, row in enumerate(rows):
        indexes, weights = by_department.setdefault(row[2], ([], []))
        indexes.append(index)
        weights.append(row[3])
    g.communes = Communes(
        codes=[row[0] for row in rows],
        names=[row[1] for row in rows],
        departments=[row[2] for row in rows],
        latitudes=[row[4] for row in rows],
        longitudes=[row[5] for row in rows],
        post_codes=[row[6] if len(row[6]) == 5 and row[6].isdigit() else "" for row in rows],
        all=Picker(list(range(len(rows))), [row[3] for row in rows]),
        by_department={code: Picker(indexes, weights) for code, (indexes, weights) in by_department.items()},
    )
    cursor.execute(
        "SELECT appellation.code, appellation.name, rome.domain_id FROM jobs_appellation AS appellation"
        " JOIN jobs_rome AS rome ON rome.code = appellation.rome_id ORDER BY appellation.code"
    )
    g.appellations = cursor.fetchall()
    if not g.appellations:
        raise GenerationError("Aucune appellation ROME : lancez d'abord `manage.py import_rome`.")
    cursor.execute("SELECT code, name, region_id FROM geo_department")
    g.departments = {code: (name, region) for code, name, region in cursor.fetchall()}
    cursor.execute("SELECT code, name FROM geo_region")
    g.regions = dict(cursor.fetchall())


# ---------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------


@register_step("job_seekers", T_USER, T_PROFILE, T_EMAIL)
def generate_job_seekers(g: Generation) -> None:
    """Job seekers with a profile (valid unique NIR, commune weighted by population)."""
    rng = g.rng("job_seekers")
    communes = g.communes
    count = g.scale.job_seekers
    first_id = g.reserve_ids(T_USER, count)
    g.job_seeker_first_id = first_id
    span = g.now - g.start
    # Sign-ups grow over the period (density ∝ time): more recent accounts.
    g.job_seeker_joined = [g.start + int(span * math.sqrt(rng.random())) for _ in range(count)]
    g.job_seeker_communes = [communes.pick(rng) for _ in range(count)]
    males = bytearray(count)
    password = g.password_hash
    kind = UserKind.JOB_SEEKER.value

    def user_lines():
        for i in range(count):
            male = rng.random() < 0.52
            males[i] = male
            first = rng.choice(MALE_FIRST_NAMES if male else FEMALE_FIRST_NAMES)
            last = rng.choice(LAST_NAMES)
            moment = ts(g.job_seeker_joined[i])
            yield (
                f"{first_id + i}\t{password}\t\\N\tf\t{kind}\tcandidat{i + 1}@{EMAIL_DOMAIN}\t{first}\t{last}\t"
                f"0{rng.choice('67')}{rng.randrange(10**8):08d}\tf\tt\t{moment}\t{moment}\n"
            )

    g.copy(T_USER, USER_COLUMNS, user_lines(), total=count)

    ages = weighted({band: band[2] for band in AGE_BANDS})
    education = weighted(EDUCATION_LEVEL_WEIGHTS)
    today = g.today.toordinal()
    seen: set[str] = set()
    births = [0] * count
    g.job_seeker_birth_ordinals = births

    def profile_lines():
        codes = communes.codes
        for i in range(count):
            low, high, _weight = ages.pick(rng)
            birth = today - int(rng.uniform(low, high + 1) * 365.25)
            births[i] = birth
            birthdate = date_text(birth)
            residence = g.job_seeker_communes[i]
            nir = reason = ""
            draw = rng.random()
            if draw < NO_NIR_SHARE:
                reason = LackOfNIRReason.TEMPORARY_NUMBER if draw < NO_NIR_SHARE * 0.7 else LackOfNIRReason.NO_NIR
            else:
                place_draw = rng.random()
                if place_draw < BORN_ABROAD_SHARE:
                    place = rng.choice(FOREIGN_BIRTH_PLACES)
                elif place_draw < 0.4:
                    place = codes[communes.pick(rng)]
                else:
                    place = codes[residence]
                prefix = f"{1 if males[i] else 2}{birthdate[2:4]}{birthdate[5:7]}{place}"
                order = rng.randrange(1, 1000)
                body = f"{prefix}{order:03d}"
                while body in seen:  # rare: same sex, month, place and order
                    order = order % 999 + 1
                    body = f"{prefix}{order:03d}"
                seen.add(body)
                nir = body + nir_key(body)
            ft_id = f"{rng.randrange(10**7):07d}{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}"
            if rng.random() >= FRANCE_TRAVAIL_ID_SHARE:
                ft_id = ""
            moment = ts(g.job_seeker_joined[i])
            yield (
                f"{first_id + i}\t{birthdate}\t{nir}\t{reason}\t{ft_id}\t"
                f"{rng.randrange(1, 120)} {rng.choice(STREETS)}\t{education.pick(rng)}\t{moment}\t{moment}\t"
                f"{codes[residence]}\t\t\t\n"  # birth place / country, identity not certified: ""
            )

    g.copy(
        T_PROFILE,
        [
            "user_id",
            "birthdate",
            "nir",
            "lack_of_nir_reason",
            "france_travail_id",
            "address_line",
            "education_level",
            "created_at",
            "updated_at",
            "commune_id",
            "birth_place_code",
            "birth_country_code",
            "identity_certified_by",
        ],
        profile_lines(),
        total=count,
    )
    seen.clear()
    g.write_email_addresses(((first_id + i, f"candidat{i + 1}@{EMAIL_DOMAIN}") for i in range(count)), count)


@register_step("companies", T_COMPANY, T_USER, T_EMAIL, T_COMPANY_MEMBERSHIP)
def generate_companies(g: Generation) -> None:
    """Employers of every kind (some antennes), each with 1 to 3 members."""
    rng = g.rng("companies")
    communes = g.communes
    count = g.scale.companies
    kinds = [kind for kind, n in allocate(count, COMPANY_KIND_WEIGHTS).items() for _ in range(n)]
    rng.shuffle(kinds)
    first_id = g.reserve_ids(T_COMPANY, count)
    member_counts = weighted(COMPANY_MEMBER_COUNTS)
    companies: list[CompanyRow] = []
    parents: list[CompanyRow | None] = []
    created: list[int] = []
    heads: dict[tuple[str, str], list[CompanyRow]] = {}
    new_members: list[tuple[CompanyRow, int]] = []  # (company, how many new professionals)
    for i, kind in enumerate(kinds):
        commune = communes.pick(rng)
        department = communes.departments[commune]
        company = CompanyRow(first_id + i, kind, commune, department, rng.lognormvariate(0, 0.9))
        candidates = heads.get((kind, department))
        parent = rng.choice(candidates) if candidates and rng.random() < ANTENNE_SHARE else None
        if parent:
            parent.nics += 1
            company.siren, company.nic = parent.siren, parent.nics
            new_members.append((company, member_counts.pick(rng) - 1))
        else:
            company.siren = f"{40_000_000 + i:08d}"
            heads.setdefault((kind, department), []).append(company)
            new_members.append((company, member_counts.pick(rng)))
        companies.append(company)
        parents.append(parent)
        moment = g.start - 365 * DAY + int(rng.random() * (g.now - g.start))
        created.append(max(moment, created[parent.id - first_id] + DAY) if parent else moment)

    joined = []
    for company, n in new_members:
        joined.extend(created[company.id - first_id] + rng.randrange(DAY, 30 * DAY) for _ in range(n))
    ids = g.add_professionals("employeur", joined, rng)
    joined_at = dict(zip(ids, joined, strict=True))
    user_ids = iter(ids)
    for company, n in new_members:
        # Companies come in order: a parent has its members before its antennes. Its
        # admin is admin of the antenne too (several memberships, organization switcher).
        parent = parents[company.id - first_id]
        company.members = ([parent.members[0]] if parent else []) + [next(user_ids) for _ in range(n)]

    def company_lines():
        for i, company in enumerate(companies):
            parent = parents[i]
            commune = company.commune
            kind = company.kind
            name = rng.choice(COMPANY_NAMES[kind]).format(de=de(communes.names[commune]))
            if parent:
                name = f"{name} – antenne {company.nic - 1}"
                siret = make_siret(company.siren, f"{company.nic:04d}")
                source = CompanySource.USER_CREATED
            else:
                siret = make_siret(company.siren)
                source = COMPANY_SOURCES.get(kind, CompanySource.ASP)
            moment = created[i]
            spontaneous = ts(moment + rng.randrange(DAY, 60 * DAY)) if rng.random() < 0.6 else "\\N"
            convention_start = convention_end = "\\N"
            is_active = "t"
            if kind in SIAE_KINDS:
                convention_start = date_text(day_of(moment))
                if rng.random() < 0.04:  # convention ended: grace period, then inactive
                    end = g.today.toordinal() - rng.randrange(1, 120)
                    is_active = "f" if g.today.toordinal() - end > 30 else "t"
                else:
                    end = g.today.toordinal() + rng.randrange(30, 3 * 365)
                convention_end = date_text(end)
            yield (
                f"{company.id}\t{siret}\t{kind}\t{name}\t\t{rng.randrange(1, 200)} {rng.choice(STREETS)}\t"
                f"{communes.post_codes[commune]}\t04{rng.randrange(10**8):08d}\t"
                f"contact.{kind.lower()}{company.id}@{EMAIL_DOMAIN}\t\t{rng.choice(COMPANY_DESCRIPTIONS)}\t"
                f"{spontaneous}\t{is_active}\t{convention_end}\t{source}\t{ts(moment)}\t{ts(moment)}\t"
                f"{communes.codes[commune]}\t{convention_start}\t\\N\t{communes.latitudes[commune]}\t"
                f"{communes.longitudes[commune]}\tasp.{company.id}@{EMAIL_DOMAIN}\t"
                f"{parent.id if parent else NULL}\n"
            )

    g.copy(
        T_COMPANY,
        [
            "id",
            "siret",
            "kind",
            "name",
            "brand",
            "address_line",
            "post_code",
            "phone",
            "email",
            "website",
            "description",
            "spontaneous_applications_open_since",
            "is_active",
            "convention_end_date",
            "source",
            "created_at",
            "updated_at",
            "commune_id",
            "convention_start_date",
            "created_by_id",
            "latitude",
            "longitude",
            "official_email",
            "parent_id",
        ],
        company_lines(),
        total=count,
    )
    rows = [
        (company.id, user_id, rank == 0, max(joined_at[user_id], created[company.id - first_id] + DAY))
        for company in companies
        for rank, user_id in enumerate(company.members)
    ]
    g.copy(
        T_COMPANY_MEMBERSHIP,
        [*MEMBERSHIP_COLUMNS, "company_id", "user_id"],
        g.membership_lines(g.reserve_ids(T_COMPANY_MEMBERSHIP, len(rows)), rows),
        total=len(rows),
    )
    g.companies = companies
    g.company_created = created


@register_step("job_descriptions", T_JOB_DESCRIPTION)
def generate_job_descriptions(g: Generation) -> None:
    """Job descriptions: at least one per employer, more for the bigger ones; 30 % away
    from the employer's commune (another commune of its department). The employer's
    columns copied on each row (company_kind, company_searchable,
    company_convention_end_date) are filled by the database's trigger during the COPY
    (companies migration 0004), and follow any later change of the employers."""
    rng = g.rng("job_descriptions")
    communes = g.communes
    companies = g.companies
    count = g.scale.job_descriptions
    per_company = [1 if count >= len(companies) else 0] * len(companies)
    sizes = Picker(list(range(len(companies))), [math.sqrt(company.weight) for company in companies])
    for _ in range(count - sum(per_company)):
        per_company[sizes.pick(rng)] += 1
    first_id = g.reserve_ids(T_JOB_DESCRIPTION, count)
    g.job_first_id = first_id
    first_company_id = companies[0].id

    def lines():
        next_id = first_id
        for company, n in zip(companies, per_company, strict=True):
            contracts = [c for c in CONTRACT_TYPES_BY_COMPANY_KIND[company.kind] if c != ContractType.OTHER]
            created = g.company_created[company.id - first_company_id]
            for rank in range(n):
                code, title, domain = rng.choice(g.appellations)
                if rng.random() < 0.03:
                    contract, other = ContractType.OTHER, "Contrat aidé"
                else:
                    contract, other = rng.choice(contracts), ""
                if rng.random() < 0.3:
                    location = communes.pick(rng, company.department)
                    location_code = communes.codes[location]
                else:
                    location, location_code = company.commune, "\\N"
                is_open = rng.random() < 0.65
                # Most job descriptions were written soon after the employer arrived.
                first = max(created, g.start)
                made = first + int((g.now - first) * rng.random() ** 2)
                updated = max(made, g.now - rng.randrange(DAY, 85 * DAY)) if is_open else g.some_time(rng, made)
                hours = rng.randrange(20, 36) if rng.random() < 0.8 else "\\N"
                custom = f"{title} (H/F)" if rng.random() < 0.2 else ""
                yield (
                    f"{next_id}\t{copy_text(custom)}\t{rng.choice(JOB_DESCRIPTIONS)}\t{rng.choice(PROFILES_SOUGHT)}\t"
                    f"{contract}\t{other}\t{hours}\t{rng.choice((1, 1, 1, 2, 2, 3, 5))}\t"
                    f"{communes.latitudes[location]}\t{communes.longitudes[location]}\t"
                    f"{'t' if rng.random() < 0.25 else 'f'}\t{'t' if is_open else 'f'}\t{rank}\t{ts(made)}\t"
                    f"{ts(updated)}\t{code}\t{company.id}\t{location_code}\t{domain}\n"
                )
                company.jobs.append(next_id)
                g.job_created.append(made)
                next_id += 1

    g.copy(
        T_JOB_DESCRIPTION,
        [
            "id",
            "custom_title",
            "description",
            "profile_sought",
            "contract_type",
            "other_contract_type",
            "hours_per_week",
            "open_positions",
            "latitude",
            "longitude",
            "is_cv_required",
            "is_open",
            "ui_rank",
            "created_at",
            "updated_at",
            "appellation_id",
            "company_id",
            "location_id",
            "rome_domain_id",
        ],
        lines(),
        total=count,
    )


@register_step("prescribers", T_PRESCRIBER, T_USER, T_EMAIL, T_PRESCRIBER_MEMBERSHIP)
def generate_prescribers(g: Generation) -> None:
    """Prescriber organizations (FT, ML, CCAS…; about 60 % authorized) with their members."""
    rng = g.rng("prescribers")
    communes = g.communes
    count = g.scale.prescriber_organizations
    kinds = [kind for kind, n in allocate(count, PRESCRIBER_KIND_WEIGHTS).items() for _ in range(n)]
    rng.shuffle(kinds)
    statuses = weighted(PRESCRIBER_STATUS_WEIGHTS)
    first_id = g.reserve_ids(T_PRESCRIBER, count)
    organizations = []
    details = []
    joined = []
    member_counts = []
    names_seen: dict[str, int] = {}
    for i, kind in enumerate(kinds):
        commune = communes.pick(rng)
        status = PrescriberAuthorizationStatus.VALIDATED if kind in AUTHORIZED_BY_LAW_KINDS else statuses.pick(rng)
        organization = OrganizationRow(
            first_id + i, kind, communes.departments[commune], status == PrescriberAuthorizationStatus.VALIDATED
        )
        created = g.start - 365 * DAY + int(rng.random() * (g.now - g.start))
        low, high = PRESCRIBER_MEMBER_RANGES.get(kind, (1, 4))
        n = rng.randint(low, high) if kind in PRESCRIBER_MEMBER_RANGES else rng.choice((1, 1, 1, 1, 2, 2, 2, 3, 3, 4))
        if g.scale.max_prescriber_members:
            n = min(n, g.scale.max_prescriber_members)
        member_counts.append(n)
        joined.extend(created + rng.randrange(DAY, 60 * DAY) for _ in range(n))
        name = PRESCRIBER_NAMES[kind].format(commune=communes.names[commune], de=de(communes.names[commune]))
        names_seen[name] = names_seen.get(name, 0) + 1
        if names_seen[name] > 1:
            name = f"{name} {names_seen[name]}"
        organizations.append(organization)
        details.append((commune, status, created, name))
    ids = g.add_professionals("prescripteur", joined, rng)
    joined_at = dict(zip(ids, joined, strict=True))
    user_ids = iter(ids)
    for organization, n in zip(organizations, member_counts, strict=True):
        organization.members = [next(user_ids) for _ in range(n)]

    def lines():
        for organization, (commune, status, created, name) in zip(organizations, details, strict=True):
            decided = status in (PrescriberAuthorizationStatus.VALIDATED, PrescriberAuthorizationStatus.REFUSED)
            yield (
                f"{organization.id}\t{make_siret(f'{60_000_000 + organization.id:08d}')}\t{organization.kind}\t"
                f"{copy_text(name)}\t{rng.randrange(1, 200)} {rng.choice(STREETS)}\t{communes.post_codes[commune]}\t"
                f"04{rng.randrange(10**8):08d}\tcontact.prescripteur{organization.id}@{EMAIL_DOMAIN}\t{status}\t"
                f"{ts(created + DAY) if decided else NULL}\t{ts(created)}\t{ts(created)}\t\\N\t"
                f"{communes.codes[commune]}\t\\N\t\t{communes.latitudes[commune]}\t{communes.longitudes[commune]}\t\n"
            )

    g.copy(
        T_PRESCRIBER,
        [
            "id",
            "siret",
            "kind",
            "name",
            "address_line",
            "post_code",
            "phone",
            "email",
            "authorization_status",
            "authorization_updated_at",
            "created_at",
            "updated_at",
            "authorization_updated_by_id",
            "commune_id",
            "created_by_id",
            "description",
            "latitude",
            "longitude",
            "website",
        ],
        lines(),
        total=count,
    )
    rows = [
        (organization.id, user_id, rank == 0, joined_at[user_id])
        for organization, (_c, _s, created, _n) in zip(organizations, details, strict=True)
        for rank, user_id in enumerate(organization.members)
    ]
    g.copy(
        T_PRESCRIBER_MEMBERSHIP,
        [*MEMBERSHIP_COLUMNS, "organization_id", "user_id"],
        g.membership_lines(g.reserve_ids(T_PRESCRIBER_MEMBERSHIP, len(rows)), rows),
        total=len(rows),
    )
    g.organizations = organizations


@register_step("institutions", T_INSTITUTION, T_USER, T_EMAIL, T_INSTITUTION_MEMBERSHIP)
def generate_institutions(g: Generation) -> None:
    """The DDETS of each department of the area, the DREETS of their regions, the DGEFP;
    two labor inspectors each."""
    rng = g.rng("institutions")
    departments = sorted(set(g.communes.departments))
    regions = sorted({g.departments[code][1] for code in departments})
    institutions = (
        [(InstitutionKind.DDETS_IAE, f"DDETS {g.departments[code][0]}", code, None) for code in departments]
        + [(InstitutionKind.DREETS_IAE, f"DREETS {g.regions[code]}", None, code) for code in regions]
        + [(InstitutionKind.DGEFP_IAE, "DGEFP", None, None)]
    )
    first_id = g.reserve_ids(T_INSTITUTION, len(institutions))
    created = g.start - 365 * DAY
    user_ids = g.add_professionals("inspecteur", [created + DAY] * 2 * len(institutions), rng)
    g.copy(
        T_INSTITUTION,
        ["id", "kind", "name", "created_at", "updated_at", "department_id", "region_id"],
        (
            f"{first_id + i}\t{kind}\t{name}\t{ts(created)}\t{ts(created)}\t{department or NULL}\t{region or NULL}\n"
            for i, (kind, name, department, region) in enumerate(institutions)
        ),
        total=len(institutions),
    )
    rows = [(first_id + i // 2, user_id, i % 2 == 0, created + DAY) for i, user_id in enumerate(user_ids)]
    g.copy(
        T_INSTITUTION_MEMBERSHIP,
        [*MEMBERSHIP_COLUMNS, "institution_id", "user_id"],
        g.membership_lines(g.reserve_ids(T_INSTITUTION_MEMBERSHIP, len(rows)), rows),
        total=len(rows),
    )


# Each block is one COPY per table; PostgreSQL leaves the end of the pages it extended in
# advance empty after each COPY: big blocks, few COPY (3 blocks queued: about 150 MB).
APPLICATIONS_PER_BLOCK = 50_000
APPLICATION_COLUMNS = [
    "id",
    "sender_kind",
    "message",
    "resume",
    "state",
    "refusal_reason",
    "refusal_reason_shared_with_job_seeker",
    "answer",
    "answer_to_prescriber",
    "hiring_start_at",
    "hiring_end_at",
    "prior_action_kind",
    "transferred_at",
    "processed_at",
    "archived_at",
    "created_at",
    "updated_at",
    "archived_by_id",
    "job_seeker_id",
    "sender_id",
    "sender_company_id",
    "sender_prescriber_organization_id",
    "to_company_id",
    "transferred_by_id",
    "transferred_from_id",
]
LOG_COLUMNS = ["id", "transition", "from_state", "to_state", "details", "timestamp", "job_application_id", "user_id"]


def _group_by_department(rows: list) -> dict[str, list]:
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row.department, []).append(row)
    return groups


class BackgroundCopy:
    """COPY blocks of lines in a thread while the caller generates the next ones.

    A connection has one COPY at a time, and a table truncated in the transaction must be
    written by that transaction: the thread owns the connection until `close()`, writing
    the blocks in the order they come (one COPY statement per block). The queue is short:
    generation waits when the server lags, and memory stays bounded.
    """

    def __init__(self, g: "Generation", tables: dict[str, tuple[list[str], int | None]]):
        self.g = g
        self.columns = {table: columns for table, (columns, _total) in tables.items()}
        self.bars = {table: g.bar(total, table) for table, (_columns, total) in tables.items()}
        self.queue: queue.Queue = queue.Queue(maxsize=3)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="bench-copy", daemon=True)
        self.thread.start()

    def put(self, table: str, lines: list[str]) -> None:
        if self.error:
            raise self.error
        if lines:
            self.queue.put((table, "".join(lines), len(lines)))
            lines.clear()

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error:
                continue  # drain: the producer sees the error at its next put()
            table, text, count = item
            try:
                self.g.copy_blocks(table, self.columns[table], [(text, count)], bar=self.bars[table])
            except BaseException as error:
                self.error = error

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        for bar in self.bars.values():
            bar.close()
        if self.error:
            raise self.error


def _uuid4(rng: random.Random) -> str:
    """A version 4 UUID drawn from `rng` (reproducible), in its usual text form."""
    value = rng.getrandbits(128)
    value = (value & ~(0xF000 << 64)) | (0x4000 << 64)
    value = (value & ~(0xC000 << 48)) | (0x8000 << 48)
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _timed_path(rng: random.Random, transitions: tuple, created: int, now: int) -> list[list]:
    """[transition, time] for each step after creation: a few days apart, before now."""
    steps = []
    moment = created
    for name in transitions:
        moment += 1800 + int(rng.expovariate(1 / (4 * DAY)))
        steps.append([name, moment])
    limit = now - 60
    if steps and steps[-1][1] > limit:
        factor = (limit - created) / (steps[-1][1] - created)
        previous = created
        for step in steps:
            step[1] = max(previous + 1, created + int((step[1] - created) * factor))
            previous = step[1]
    return steps


def _json_text(value: dict) -> str:
    """JSON for a COPY line (escaped: the backslashes of JSON strings must survive)."""
    return copy_text(json.dumps(value, ensure_ascii=False))


class Draft:
    """One application of a job seeker, before its lines are written."""

    __slots__ = ("id", "created", "company", "sender_kind", "sender", "organization", "steps", "auto", "hired_by")

    def __init__(self, id, created, company, sender_kind, sender, organization, steps, auto):
        self.id = id
        self.created = created
        self.company = company
        self.sender_kind = sender_kind
        self.sender = sender
        self.organization = organization
        self.steps = steps  # [[transition, time], …] after the creation
        self.auto = auto  # refused by the platform after 60 days idle
        self.hired_by = None  # for render_obsolete: the application accepted meanwhile


@register_step("applications", T_APPLICATION, T_SELECTED_JOBS, T_LOG)
def generate_applications(g: Generation) -> None:
    """Applications spread over the period, mostly in the job seeker's department, each
    with one log per transition from `new` to its state (as the services write them);
    obsolete when the job seeker was hired elsewhere meanwhile; archived by the platform
    180 days after their last change, or sometimes by the employer before."""
    rng = g.rng("applications")
    random_ = rng.random
    communes = g.communes
    now = g.now
    job_seeker_count = len(g.job_seeker_joined)
    # Some job seekers apply much more than others; some never do.
    activity = Picker(range(job_seeker_count), (rng.lognormvariate(0, 0.8) for _ in range(job_seeker_count)))
    applications_of = [0] * job_seeker_count
    for _ in range(g.scale.applications):
        applications_of[activity.pick(rng)] += 1
    del activity

    # Job seekers apply in their department (anywhere when it has no employer).
    all_companies = Picker(g.companies, [company.weight for company in g.companies])
    companies_by_department = {
        department: Picker(companies, [company.weight for company in companies])
        for department, companies in _group_by_department(g.companies).items()
    }

    def activity_of(organization):
        return PRESCRIBER_ACTIVITY.get(organization.kind, 1) * (1 if organization.authorized else 0.5)

    all_organizations = Picker(g.organizations, map(activity_of, g.organizations))
    organizations_by_department = {
        department: Picker(organizations, map(activity_of, organizations))
        for department, organizations in _group_by_department(g.organizations).items()
    }

    sender_kinds = weighted(SENDER_KIND_WEIGHTS)
    # (recent, old) × (other employers, GEIQ)
    states = {
        (True, False): weighted(RECENT_STATE_WEIGHTS),
        (False, False): weighted(OLD_STATE_WEIGHTS),
        (True, True): weighted(RECENT_STATE_WEIGHTS | {S.PRIOR_TO_HIRE: GEIQ_PRIOR_TO_HIRE_WEIGHTS["recent"]}),
        (False, True): weighted(OLD_STATE_WEIGHTS | {S.PRIOR_TO_HIRE: GEIQ_PRIOR_TO_HIRE_WEIGHTS["old"]}),
    }
    paths = {state: Picker([p for p, _ in options], [w for _, w in options]) for state, options in PATHS.items()}
    reasons = weighted(REFUSAL_REASON_WEIGHTS)
    prior_actions = list(PriorActionKind.values)
    targets = {name: transition.target for name, transition in TRANSITIONS.items()}
    messages = [copy_text(message) for message in APPLICATION_MESSAGES]
    create_details = {kind: _json_text({"sender_kind": kind}) for kind in SenderKind.values}
    prior_details = {kind: _json_text({"prior_action_kind": kind}) for kind in prior_actions}
    postpone_details = [_json_text({"comment": comment}) for comment in POSTPONE_COMMENTS]
    auto_refusal_details = _json_text(
        {"refusal_reason": RefusalReason.AUTO.value, "refusal_reason_shared_with_job_seeker": True, "auto": True}
    )
    auto_archive_details = _json_text({"auto": True})
    answer_json = {answer: ", " + _json_text({"answer": answer})[1:-1] for answer in REFUSAL_ANSWERS}
    answer_to_prescriber_json = {
        answer: ", " + _json_text({"answer_to_prescriber": answer})[1:-1] for answer in REFUSAL_ANSWERS
    }
    hires = g.hires
    # Their number is known at the end: the sequences are set then.
    log_next = g.reserve_ids(T_LOG, 1)
    selected_next = g.reserve_ids(T_SELECTED_JOBS, 1)
    application_lines: list[str] = []
    selected_lines: list[str] = []
    log_lines: list[str] = []

    def drafts_of(index: int, count: int) -> list[Draft]:
        """The applications of one job seeker: a burst after signing up, to distinct employers."""
        job_seeker_id = g.job_seeker_first_id + index
        department = communes.departments[g.job_seeker_communes[index]]
        companies = companies_by_department.get(department) or all_companies
        organizations = organizations_by_department.get(department) or all_organizations
        joined = g.job_seeker_joined[index]
        moments = []
        moment = joined
        for _ in range(count):
            moment += 600 + int(rng.expovariate(1 / (12 * DAY)))
            moments.append(moment)
        limit = now - 3600
        if moments[-1] > limit:
            factor = (limit - joined) / (moments[-1] - joined)
            moments = [joined + int((m - joined) * factor) for m in moments]
        referent = None  # the prescriber who follows the job seeker sends most applications
        used = {}  # employer id → when the job seeker last applied there
        drafts = []
        for created in moments:
            company = companies.pick(rng)
            for _ in range(10):
                if company.id not in used:
                    break
                company = companies.pick(rng)
            # Never twice to the same employer within 24 hours: farther away if need be.
            for _ in range(100):
                if created - used.get(company.id, created - DAY) >= DAY:
                    break
                company = all_companies.pick(rng)
            used[company.id] = created
            is_geiq = company.kind == CompanyKind.GEIQ
            sender_kind = sender_kinds.pick(rng)
            if sender_kind == SenderKind.EMPLOYER and company.kind not in SELF_PRESCRIBING_KINDS:
                sender_kind = SenderKind.PRESCRIBER
            organization = None
            if sender_kind == SenderKind.PRESCRIBER:
                if referent is None or random_() < 0.2:
                    organization = organizations.pick(rng)
                    sender = rng.choice(organization.members)
                    if referent is None:
                        referent = (organization, sender)
                else:
                    organization, sender = referent
            elif sender_kind == SenderKind.EMPLOYER:
                sender = rng.choice(company.members)
            else:
                sender = job_seeker_id
            age_days = (now - created) / DAY
            state = states[age_days < RECENT_DAYS, is_geiq].pick(rng)
            auto = False
            if state == S.REFUSED and age_days > AUTO_REFUSAL_DAYS + 1 and random_() < AUTO_REFUSAL_SHARE:
                steps = [["refuse", created + AUTO_REFUSAL_DAYS * DAY + rng.randrange(DAY)]]
                auto = True
            else:
                path = paths[state].pick(rng)
                if state == S.ACCEPTED and is_geiq and random_() < 0.3:
                    path = GEIQ_ACCEPT_PATH
                steps = _timed_path(rng, path, created, now)
            drafts.append(Draft(_uuid4(rng), created, company, sender_kind, sender, organization, steps, auto))
        # Hired somewhere: the applications still waiting then become obsolete.
        hired = sorted((step[1], draft.id) for draft in drafts for step in draft.steps if step[0] == "accept")
        if hired:
            for draft in drafts:
                if any(step[0] == "accept" for step in draft.steps):
                    continue
                moment, hired_by = next(((t, i) for t, i in hired if t > draft.created), (None, None))
                if moment is None:
                    continue
                before = [step for step in draft.steps if step[1] < moment]
                state = targets[before[-1][0]] if before else S.NEW
                if state in PENDING_AT_HIRE:
                    draft.steps = [*before, ["render_obsolete", moment + 60]]
                    draft.auto = False
                    draft.hired_by = hired_by
        return drafts

    # Written by a thread while the next blocks are generated.
    writer = BackgroundCopy(
        g,
        {
            T_APPLICATION: (APPLICATION_COLUMNS, g.scale.applications),
            T_SELECTED_JOBS: (["id", "jobapplication_id", "jobdescription_id"], None),
            T_LOG: (LOG_COLUMNS, None),
        },
    )
    try:
        for index, count in enumerate(applications_of):
            if not count:
                continue
            job_seeker_id = g.job_seeker_first_id + index
            for draft in drafts_of(index, count):
                application_id, company, steps, organization = draft.id, draft.company, draft.steps, draft.organization
                members = company.members
                log_lines.append(
                    f"{log_next}\t{CREATION_TRANSITION}\tnew\tnew\t{create_details[draft.sender_kind]}\t"
                    f"{ts(draft.created)}\t{application_id}\t{draft.sender}\n"
                )
                log_next += 1
                state = S.NEW
                refusal_reason = prior_action = answer = answer_to_prescriber = ""
                shared = False
                hiring_start = hiring_end = accepted_at = None
                for name, moment in steps:
                    target = targets[name]
                    user = rng.choice(members)
                    if name == "refuse":
                        if draft.auto:
                            refusal_reason, shared, user = RefusalReason.AUTO, True, NULL
                            details = auto_refusal_details
                        else:
                            refusal_reason, shared = reasons.pick(rng), random_() < 0.5
                            answer = rng.choice(REFUSAL_ANSWERS) if random_() < 0.6 else ""
                            if organization and random_() < 0.3:
                                answer_to_prescriber = rng.choice(REFUSAL_ANSWERS)
                            details = (
                                f'{{"refusal_reason": "{refusal_reason}", '
                                f'"refusal_reason_shared_with_job_seeker": {"true" if shared else "false"}'
                                f"{answer_json[answer] if answer else ''}"
                                f"{answer_to_prescriber_json[answer_to_prescriber] if answer_to_prescriber else ''}}}"
                            )
                    elif name == "accept":
                        accepted_at = moment
                        hiring_start = day_of(moment) + rng.randrange(0, 31)
                        if random_() < 0.7:
                            hiring_end = hiring_start + rng.randrange(120, 730)
                            details = (
                                f'{{"hiring_start_at": "{date_text(hiring_start)}", '
                                f'"hiring_end_at": "{date_text(hiring_end)}"}}'
                            )
                        else:
                            details = f'{{"hiring_start_at": "{date_text(hiring_start)}"}}'
                    elif name == "postpone":
                        details = rng.choice(postpone_details)
                    elif name == "move_to_prior_to_hire":
                        prior_action = rng.choice(prior_actions)
                        details = prior_details[prior_action]
                    elif name == "render_obsolete":
                        user = NULL
                        details = f'{{"accepted_job_application": "{draft.hired_by}"}}'
                    else:
                        details = "{}"
                    log_lines.append(
                        f"{log_next}\t{name}\t{state}\t{target}\t{details}\t{ts(moment)}\t{application_id}\t{user}\n"
                    )
                    log_next += 1
                    state = target
                last = updated = steps[-1][1] if steps else draft.created
                # Archiving: by the daily job 180 days after the last change (updated_at stays),
                # or earlier by a member of the employer (a save: updated_at moves).
                archived_at = archived_by = NULL
                if state in ARCHIVABLE_STATES:
                    archive = None
                    if random_() < 0.15 and (moment := last + rng.randrange(3600, 30 * DAY)) < now:
                        archive, archived_by = moment, rng.choice(members)
                        updated = moment
                        details = "{}"
                    elif last + AUTO_ARCHIVE_DAYS * DAY <= now:
                        archive = last + AUTO_ARCHIVE_DAYS * DAY + rng.randrange(3600 * 2, 3600 * 4)
                        details = auto_archive_details
                    if archive:
                        archived_at = ts(archive)
                        log_lines.append(
                            f"{log_next}\t{ARCHIVE_LOG}\t{state}\t{state}\t{details}\t{archived_at}\t"
                            f"{application_id}\t{archived_by}\n"
                        )
                        log_next += 1
                if accepted_at is not None:
                    hires.append(
                        Hire(
                            application_id,
                            job_seeker_id,
                            company.id,
                            company.kind,
                            draft.sender_kind,
                            organization.id if organization else None,
                            accepted_at,
                            hiring_start,
                            hiring_end,
                            state,
                        )
                    )
                if company.jobs and random_() < 0.7:
                    # Job descriptions that existed then (else: a spontaneous application).
                    jobs = set()
                    for _ in range(3 if random_() < 0.15 else 2):
                        job = rng.choice(company.jobs)
                        if g.job_created[job - g.job_first_id] < draft.created:
                            jobs.add(job)
                            if len(jobs) == 1 and random_() >= 0.15:
                                break
                    for job in sorted(jobs):
                        selected_lines.append(f"{selected_next}\t{application_id}\t{job}\n")
                        selected_next += 1
                is_employer = draft.sender_kind == SenderKind.EMPLOYER
                application_lines.append(
                    f"{application_id}\t{draft.sender_kind}\t{'' if is_employer else rng.choice(messages)}\t\t"
                    f"{state}\t{refusal_reason}\t{'t' if shared else 'f'}\t{copy_text(answer)}\t"
                    f"{copy_text(answer_to_prescriber)}\t{date_text(hiring_start) if hiring_start else NULL}\t"
                    f"{date_text(hiring_end) if hiring_end else NULL}\t{prior_action}\t{NULL}\t"
                    f"{ts(last) if steps else NULL}\t{archived_at}\t{ts(draft.created)}\t{ts(updated)}\t"
                    f"{archived_by}\t{job_seeker_id}\t{draft.sender}\t{company.id if is_employer else NULL}\t"
                    f"{organization.id if organization else NULL}\t{company.id}\t{NULL}\t{NULL}\n"
                )
            if len(application_lines) >= APPLICATIONS_PER_BLOCK:
                writer.put(T_APPLICATION, application_lines)
                writer.put(T_SELECTED_JOBS, selected_lines)
                writer.put(T_LOG, log_lines)
        writer.put(T_APPLICATION, application_lines)
        writer.put(T_SELECTED_JOBS, selected_lines)
        writer.put(T_LOG, log_lines)
    finally:
        writer.close()
    for table, next_id in ((T_LOG, log_next), (T_SELECTED_JOBS, selected_next)):
        g.cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, next_id - 1])


# ---------------------------------------------------------------------------------------
# Bulk load: keys, indexes and foreign keys are rebuilt once at the end
# ---------------------------------------------------------------------------------------


@dataclasses.dataclass
class Schema:
    """The keys, indexes and foreign keys dropped for the load, to rebuild afterwards."""

    keys: list[tuple[str, str, str]]  # (table, constraint, definition): primary keys, unique
    indexes: list[tuple[str, str, str]]  # (table, index, CREATE INDEX statement)
    foreign_keys: list[tuple[str, str, str]]  # (table, constraint, definition)


def strip_schema(cursor, tables: list[str]) -> Schema:
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
        FROM pg_constraint c
        WHERE (c.contype IN ('p', 'u') AND c.conrelid = ANY(%(tables)s::regclass[]))
           OR (c.contype = 'f' AND (c.conrelid = ANY(%(tables)s::regclass[])
                                    OR c.confrelid = ANY(%(tables)s::regclass[])))
        ORDER BY 1, 2
        """,
        {"tables": tables},
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%(tables)s::regclass[])
          AND NOT EXISTS (
              SELECT 1 FROM pg_constraint c
              WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')
          )
        ORDER BY 1, 2
        """,
        {"tables": tables},
    )
    schema = Schema(
        keys=[(table, name, definition) for table, name, definition, kind in constraints if kind != "f"],
        indexes=cursor.fetchall(),
        foreign_keys=[(table, name, definition) for table, name, definition, kind in constraints if kind == "f"],
    )
    for table, name, _definition in schema.foreign_keys + schema.keys:
        cursor.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.SQL(table), sql.Identifier(name)))
    for _table, name, _definition in schema.indexes:
        cursor.execute(sql.SQL("DROP INDEX {}").format(sql.SQL(name)))
    return schema


def restore_schema(cursor, schema: Schema, report: Report) -> None:
    def timed(table, statement):
        started = time.monotonic()
        cursor.execute(statement)
        report.table(table).index_seconds += time.monotonic() - started

    for table, name, definition in schema.keys:
        timed(table, sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
            sql.SQL(table), sql.Identifier(name), sql.SQL(definition)
        ))  # fmt: skip
    for table, _name, definition in schema.indexes:
        timed(table, sql.SQL(definition))
    for table, name, definition in schema.foreign_keys:
        timed(table, sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
            sql.SQL(table), sql.Identifier(name), sql.SQL(definition)
        ))  # fmt: skip


# ---------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------


REBUILD_INDEXES_FROM = 100_000


def generate(
    connection,
    *,
    scale: str | Scale,
    seed: int = 1,
    today: datetime.date | None = None,
    progress: bool = False,
    rebuild_indexes: bool | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> Report:
    """Fill the database of `connection` (psycopg 3, in a transaction: the caller commits)
    with a world of this scale. The tables of the steps are emptied first (TRUNCATE …
    CASCADE): never call it on a database whose data matters.

    `rebuild_indexes`: drop the keys, indexes and foreign keys of the filled tables before
    the load and rebuild them after (by default from REBUILD_INDEXES_FROM applications on;
    below, the few DDL statements cost more than they save).
    """
    started = time.monotonic()
    scale = SCALES[scale] if isinstance(scale, str) else scale
    if rebuild_indexes is None:
        rebuild_indexes = scale.applications >= REBUILD_INDEXES_FROM
    today = today or datetime.date.today()
    g = Generation(connection, scale, seed=seed, today=today, progress=progress)
    cursor = g.cursor
    tables = list(dict.fromkeys(table for step in STEPS.values() for table in step.tables))

    phase = time.monotonic()
    # Check what earlier statements of the transaction left pending: ALTER TABLE refuses
    # tables with pending deferred triggers.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
    cursor.execute("SET LOCAL work_mem = '256MB'")
    load_reference_data(g)
    cursor.execute(
        sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(sql.SQL(", ").join(map(sql.Identifier, tables)))
    )
    schema = strip_schema(cursor, tables) if rebuild_indexes else None
    g.report.phases["préparation"] = time.monotonic() - phase

    for step in STEPS.values():
        log(f"Étape {step.name}")
        phase = time.monotonic()
        step.run(g)
        g.report.steps[step.name] = time.monotonic() - phase

    if schema:
        log("Clés, index et clés étrangères")
        phase = time.monotonic()
        restore_schema(cursor, schema, g.report)
        g.report.phases["index et contraintes"] = time.monotonic() - phase

    log("Statistiques (ANALYZE)")
    phase = time.monotonic()
    cursor.execute(sql.SQL("ANALYZE {}").format(sql.SQL(", ").join(map(sql.Identifier, tables))))
    g.report.phases["analyse"] = time.monotonic() - phase
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    g.report.total_seconds = time.monotonic() - started
    return g.report


# ---------------------------------------------------------------------------------------
# Target database: never the application's, created when missing, empty unless forced
# ---------------------------------------------------------------------------------------

LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}
SYSTEM_DATABASES = {"postgres", "template0", "template1"}


class UnsafeTarget(GenerationError):
    """The target database is the application's own, or holds data."""


def _identity(host: str | None, name: str | None) -> tuple[str, str]:
    """(host, database) with every local form of the host (socket folder, localhost…) alike."""
    host = (host or "").strip().lower()
    if host in LOCAL_HOSTS or host.startswith("/") or host.startswith("@"):
        host = "local"
    return host, (name or "").strip()


def url_identity(url: str) -> tuple[str, str]:
    params = conninfo_to_dict(url)
    return _identity(params.get("host"), params.get("dbname"))


def app_database_identities() -> set[tuple[str, str]]:
    """The databases the application is configured with: its settings (the test database
    under pytest) and DATABASE_URL."""
    from django.conf import settings

    identities = set()
    for database in settings.DATABASES.values():
        host = database.get("HOST") or database.get("OPTIONS", {}).get("host")
        identities.add(_identity(host, database.get("NAME")))
    if url := getattr(settings, "DATABASE_URL", None):
        identities.add(url_identity(url))
    return identities


def check_target_url(url: str) -> None:
    host, name = url_identity(url)
    if not name:
        raise UnsafeTarget("L'URL de la base cible ne précise pas de base de données.")
    if name in SYSTEM_DATABASES:
        raise UnsafeTarget(f"La base « {name} » est une base système de PostgreSQL : choisissez une autre base.")
    if (host, name) in app_database_identities():
        raise UnsafeTarget(
            f"La base « {name} » est celle de l'application (DATABASE_URL ou réglages) : le générateur la viderait. "
            "Choisissez une base dédiée, par exemple bench_france."
        )


def ensure_database(url: str) -> bool:
    """Create the target database if it does not exist (through the server's `postgres`
    database); return True when it was created."""
    params = conninfo_to_dict(url)
    name = params["dbname"]
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def users_count(url: str) -> int:
    """Rows of the users table in the target (0 when the table does not exist yet)."""
    with psycopg.connect(url) as connection:
        exists = connection.execute("SELECT to_regclass(%s)", [T_USER]).fetchone()[0]
        if exists is None:
            return 0
        return connection.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(T_USER))).fetchone()[0]


# ---------------------------------------------------------------------------------------
# PASS IAE, from the hires of the applications step (SQL, in the transaction)
# ---------------------------------------------------------------------------------------


def _approval_tables() -> dict[str, str]:
    from itou.approvals.models import Approval, ApprovalHire, Prolongation, ProlongationRequest, Suspension
    from itou.eligibility.models import EligibilityDiagnosis

    return {
        "diagnosis": EligibilityDiagnosis._meta.db_table,
        "criteria": EligibilityDiagnosis.administrative_criteria.through._meta.db_table,
        "approval": Approval._meta.db_table,
        "hire": ApprovalHire._meta.db_table,
        "suspension": Suspension._meta.db_table,
        "prolongation": Prolongation._meta.db_table,
        "request": ProlongationRequest._meta.db_table,
    }


# Shares of the PASS IAE (by a hash of their rank, so the same for a given seed and date).
APPROVAL_SUSPENDED_PERCENT = 10  # one suspension (contract suspended, broken, ended…)
APPROVAL_PROLONGED_PERCENT = 5  # one prolongation, granted on request of the SIAE
APPROVAL_PENDING_REQUEST_PERCENT = 2  # a prolongation request still waiting for its prescriber
APPROVAL_DENIED_REQUEST_PERCENT = 1  # a prolongation request denied


# Share of the job seekers with a PASS IAE who had an earlier one, expired (by a hash of
# their rank). With the ≈ 427 k PASS of the first hires at France scale: ≈ 600 k PASS IAE.
APPROVAL_EARLIER_PERCENT = 40


def _earlier_approvals(g: Generation, run: Callable, first_hire_diagnosis: int, numbered: int) -> None:
    """For APPROVAL_EARLIER_PERCENT % of the job seekers with a PASS IAE, an earlier PASS,
    expired: two years long, ended at least two years (the waiting period, DOMAIN.md) and
    15 to 714 days before the current one started, issued on its own diagnosis (same author
    as the first hire's, 1 to 3 criteria) ten days before it started.

    The applications of the dataset cover its last four years: these PASS started before
    them, so their hire is not in the dataset (no ApprovalHire, as after a purge of old
    applications); the job seeker's PASS page and the staff's PASS lists show them, the
    employers' lists (read through hires) do not. Numbers follow the current PASS'."""
    from django.conf import settings

    t = _approval_tables()
    run(
        "CREATE TEMP TABLE bench_earlier ON COMMIT DROP AS"
        " SELECT row_number() OVER (ORDER BY h.r) AS e, h.r, h.n, h.job_seeker_id, h.author_id, h.prescriber_id,"
        " h.company_id, a.start_at - 730 - (15 + (h.r * 31) %% 700)::int AS end_at"
        " FROM bench_hires h JOIN {approval} a ON a.eligibility_diagnosis_id = %s + h.n"
        " WHERE h.k = 1 AND (h.r * 7919 + 17) %% 100 < %s",
        [first_hire_diagnosis, APPROVAL_EARLIER_PERCENT],
    )
    g.cursor.execute("SELECT count(*) FROM bench_earlier")
    count = g.cursor.fetchone()[0]
    if not count:
        g.cursor.execute("DROP TABLE bench_earlier")
        return
    first_diagnosis = g.reserve_ids(t["diagnosis"], count)
    first_approval = g.reserve_ids(t["approval"], count)
    # Issued at 10:00 UTC two days before the start; the diagnosis ten days before that.
    issued = "((end_at - 731)::timestamp + interval '10 hours') AT TIME ZONE 'UTC'"
    run(
        "INSERT INTO {diagnosis} (id, job_seeker_id, author_id, author_kind, author_prescriber_organization_id,"
        " author_company_id, created_at, expires_at)"
        " SELECT %s + e - 1, job_seeker_id, author_id,"
        " CASE WHEN prescriber_id IS NULL THEN 'employer' ELSE 'prescriber' END, prescriber_id,"
        " CASE WHEN prescriber_id IS NULL THEN company_id END,"
        f" {issued} - interval '10 days', ({issued} - interval '10 days' + interval '6 months')::date"
        " FROM bench_earlier",
        [first_diagnosis],
    )
    run(
        "INSERT INTO {criteria} (eligibilitydiagnosis_id, administrativecriteria_id)"
        " SELECT %s + h.e - 1, c.id FROM bench_earlier h"
        " JOIN (SELECT id, level, row_number() OVER (PARTITION BY level ORDER BY kind) - 1 AS i,"
        " count(*) OVER (PARTITION BY level) AS total FROM eligibility_administrativecriteria) c"
        " ON (c.level = '1' AND c.i = (h.n + 1) %% c.total)"
        " OR (c.level = '2' AND h.n %% 3 > 0 AND c.i = (h.n * 5) %% c.total)",
        [first_diagnosis],
    )
    run(
        "INSERT INTO {approval} (id, number, job_seeker_id, start_at, end_at, origin, created_by_id, created_at,"
        " cancelled_at, eligibility_diagnosis_id)"
        " SELECT %s + e - 1, %s || lpad((%s + e)::text, 7, '0'), job_seeker_id, end_at - 729, end_at, 'auto',"
        f" author_id, {issued}, NULL, %s + e - 1"
        " FROM bench_earlier",
        [first_approval, settings.APPROVAL_NUMBER_PREFIX, numbered, first_diagnosis],
    )
    g.cursor.execute("SELECT setval('approvals_approval_number_seq', %s)", [numbered + count])
    g.cursor.execute("DROP TABLE bench_earlier")


@register_step("approvals", *_approval_tables().values())
def generate_approvals(g: Generation) -> None:
    """The PASS IAE of the hires in an SIAE (accepted, or accepted then cancelled), in SQL
    from the applications the previous step wrote: for each hire the eligibility
    diagnosis behind it (by the authorized prescriber who sent the job seeker, otherwise by
    the SIAE itself; 1 to 3 criteria, an RSA/ASS/AAH/DETLD one first) linked to the
    application; one PASS IAE per job seeker (from the first hire, two years), each hire
    recorded on it (a cancelled hire is cancelled on the PASS, a PASS whose hires were all
    cancelled is withdrawn); then suspensions, prolongations and prolongation requests in
    the proportions above. Identifiers come from ranges reserved in the sequences and
    ranks in a fixed order: the same rows for the same seed and date."""
    from django.conf import settings

    t = _approval_tables()
    cur = g.cursor

    def run(statement: str, params=()) -> None:
        cur.execute(
            sql.SQL(statement).format(
                **{key: sql.Identifier(value) for key, value in t.items()},
                ja=sql.Identifier(T_APPLICATION),
                company=sql.Identifier(T_COMPANY),
                prescriber=sql.Identifier(T_PRESCRIBER),
                membership=sql.Identifier(T_COMPANY_MEMBERSHIP),
            ),
            params,
        )

    # Statistics of the tables just written (their keys may be dropped): without them the
    # planner takes them for empty and joins 3 million applications by nested loops.
    run("ANALYZE {ja}, {company}, {prescriber}, {membership}")
    run(
        "CREATE TEMP TABLE bench_company_admin ON COMMIT DROP AS"
        " SELECT DISTINCT ON (company_id) company_id, user_id FROM {membership}"
        " ORDER BY company_id, is_admin DESC, id"
    )
    run(
        "CREATE TEMP TABLE bench_hires ON COMMIT DROP AS"
        " SELECT row_number() OVER (ORDER BY ja.created_at, ja.id) AS n,"
        " dense_rank() OVER (ORDER BY ja.job_seeker_id) AS r,"
        " row_number() OVER (PARTITION BY ja.job_seeker_id ORDER BY ja.hiring_start_at, ja.id) AS k,"
        " ja.id AS ja_id, ja.job_seeker_id, ja.to_company_id AS company_id, ja.state,"
        " CASE WHEN o.authorization_status = 'VALIDATED' THEN ja.sender_prescriber_organization_id END"
        " AS prescriber_id,"
        " CASE WHEN o.authorization_status = 'VALIDATED' OR ja.sender_kind = 'employer' THEN ja.sender_id"
        " ELSE a.user_id END AS author_id,"
        " ja.created_at, COALESCE(ja.processed_at, ja.created_at) AS accepted_at,"
        " GREATEST(ja.updated_at, COALESCE(ja.processed_at, ja.created_at)) AS changed_at, ja.hiring_start_at"
        " FROM {ja} ja JOIN {company} c ON c.id = ja.to_company_id"
        " LEFT JOIN {prescriber} o ON o.id = ja.sender_prescriber_organization_id"
        " LEFT JOIN bench_company_admin a ON a.company_id = ja.to_company_id"
        " WHERE ja.state IN ('accepted', 'cancelled') AND ja.hiring_start_at IS NOT NULL AND c.kind = ANY(%s)"
        " AND ja.eligibility_diagnosis_id IS NULL",
        [sorted(kind.value for kind in SIAE_KINDS)],
    )
    cur.execute("SELECT count(*), COALESCE(max(r), 0) FROM bench_hires")
    hires, approvals = cur.fetchone()
    if not hires:
        return
    first_diagnosis = g.reserve_ids(t["diagnosis"], hires)
    first_hire = g.reserve_ids(t["hire"], hires)
    first_approval = g.reserve_ids(t["approval"], approvals)
    offsets = [first_diagnosis - 1, first_hire - 1, first_approval - 1]
    # Diagnoses: made a few days before the application (by its prescriber) or at it (by the SIAE).
    run(
        "INSERT INTO {diagnosis} (id, job_seeker_id, author_id, author_kind, author_prescriber_organization_id,"
        " author_company_id, created_at, expires_at)"
        " SELECT %s + n, job_seeker_id, author_id,"
        " CASE WHEN prescriber_id IS NULL THEN 'employer' ELSE 'prescriber' END, prescriber_id,"
        " CASE WHEN prescriber_id IS NULL THEN company_id END,"
        " created_at - (n %% 20) * interval '1 day',"
        " ((created_at - (n %% 20) * interval '1 day') + interval '6 months')::date"
        " FROM bench_hires",
        [offsets[0]],
    )
    # Criteria: a level 1 criterion (RSA, ASS, AAH, DETLD), then 0 to 2 level 2 ones.
    run(
        "INSERT INTO {criteria} (eligibilitydiagnosis_id, administrativecriteria_id)"
        " SELECT %s + h.n, c.id FROM bench_hires h"
        " JOIN (SELECT id, level, row_number() OVER (PARTITION BY level ORDER BY kind) - 1 AS i,"
        " count(*) OVER (PARTITION BY level) AS total FROM eligibility_administrativecriteria) c"
        " ON (c.level = '1' AND c.i = h.n %% c.total)"
        " OR (c.level = '2' AND h.n %% 3 > 0 AND c.i = (h.n * 7) %% c.total)"
        " OR (c.level = '2' AND h.n %% 3 = 2 AND c.i = (h.n * 7 + 5) %% c.total)",
        [offsets[0]],
    )
    run(
        "UPDATE {ja} ja SET eligibility_diagnosis_id = %s + h.n FROM bench_hires h WHERE ja.id = h.ja_id",
        [offsets[0]],
    )
    # One PASS IAE per job seeker, from the first hire; withdrawn when every hire was cancelled.
    run(
        "INSERT INTO {approval} (id, number, job_seeker_id, start_at, end_at, origin, created_by_id, created_at,"
        " cancelled_at, eligibility_diagnosis_id)"
        " SELECT %s + f.r, %s || lpad(f.r::text, 7, '0'), f.job_seeker_id, f.hiring_start_at,"
        " (f.hiring_start_at + interval '2 years' - interval '1 day')::date, 'auto', f.author_id, f.accepted_at,"
        " CASE WHEN s.live = 0 THEN s.last_change END, %s + f.n"
        " FROM bench_hires f JOIN (SELECT r, count(*) FILTER (WHERE state = 'accepted') AS live,"
        " max(changed_at) AS last_change FROM bench_hires GROUP BY r) s ON s.r = f.r WHERE f.k = 1",
        [offsets[2], settings.APPROVAL_NUMBER_PREFIX, offsets[0]],
    )
    cur.execute("SELECT setval('approvals_approval_number_seq', %s)", [approvals])
    run(
        "INSERT INTO {hire} (id, approval_id, job_application_id, company_id, hiring_start_at, created_at,"
        " cancelled_at)"
        " SELECT %s + n, %s + r, ja_id, company_id, hiring_start_at, accepted_at,"
        " CASE WHEN state = 'cancelled' THEN changed_at END FROM bench_hires",
        [offsets[1], offsets[2]],
    )
    # Suspensions, prolongations and requests, on PASS IAE still in force (not withdrawn).
    suspended, prolonged = APPROVAL_SUSPENDED_PERCENT, APPROVAL_PROLONGED_PERCENT
    pending = prolonged + APPROVAL_PENDING_REQUEST_PERCENT
    denied = pending + APPROVAL_DENIED_REQUEST_PERCENT
    run(
        "CREATE TEMP TABLE bench_pass ON COMMIT DROP AS"
        " SELECT a.id, a.start_at, a.end_at, a.created_at, h.company_id, ad.user_id AS admin_id,"
        " (a.id * 7919) %% 100 AS bucket, a.id %% 1000 AS spread"
        " FROM {approval} a JOIN bench_hires h ON %s + h.n = a.eligibility_diagnosis_id"
        " LEFT JOIN bench_company_admin ad ON ad.company_id = h.company_id"
        " WHERE a.id >= %s AND a.cancelled_at IS NULL",
        [offsets[0], first_approval],
    )
    run(
        "CREATE TEMP TABLE bench_authorized ON COMMIT DROP AS"
        " SELECT row_number() OVER (ORDER BY id) - 1 AS i, id FROM {prescriber}"
        " WHERE authorization_status = 'VALIDATED'"
    )
    reasons = ["contract_suspended", "contract_broken", "contract_ended", "cta_agreement", "bridge_contract"]
    run(
        "INSERT INTO {suspension} (approval_id, start_at, end_at, reason, company_id, created_by_id, created_at)"
        " SELECT id, start_at + (30 + spread %% 300) * interval '1 day',"
        " start_at + (30 + spread %% 300 + 15 + spread %% 90) * interval '1 day',"
        " (%s::text[])[1 + spread %% 5], company_id, admin_id,"
        " created_at + (30 + spread %% 300) * interval '1 day'"
        " FROM bench_pass WHERE bucket >= %s AND bucket < %s ORDER BY id",
        [reasons, 100 - suspended, 100],
    )
    run(
        "UPDATE {approval} a SET end_at = a.end_at + (s.end_at - s.start_at + 1)"
        " FROM {suspension} s WHERE s.approval_id = a.id AND a.id >= %s",
        [first_approval],
    )
    cur.execute("SELECT count(*) FROM bench_authorized")
    authorized = cur.fetchone()[0]
    if authorized:
        prolongation_reasons = ["senior_cdi", "complete_training", "rqth", "senior", "particular_difficulties"]
        first_prolongation = g.reserve_ids(t["prolongation"], max(1, approvals * prolonged // 100 + 100))
        run(
            "CREATE TEMP TABLE bench_prolonged ON COMMIT DROP AS"
            " SELECT %s + row_number() OVER (ORDER BY p.id) - 1 AS prolongation_id, p.*,"
            " a.end_at + 1 AS prolongation_start, o.id AS organization_id"
            " FROM bench_pass p JOIN {approval} a ON a.id = p.id"
            " JOIN bench_authorized o ON o.i = p.spread %% %s WHERE p.bucket < %s",
            [first_prolongation, authorized, prolonged],
        )
        cur.execute("SELECT count(*) FROM bench_prolonged")
        count = cur.fetchone()[0]
        cur.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [t["prolongation"], first_prolongation + count]
        )
        run(
            "INSERT INTO {prolongation} (id, approval_id, start_at, end_at, reason, company_id, declared_by_id,"
            " validated_by_id, created_at)"
            " SELECT prolongation_id, id, prolongation_start, prolongation_start + 364,"
            " (%s::text[])[1 + spread %% 5], company_id, admin_id, organization_id,"
            " created_at + interval '20 months' FROM bench_prolonged",
            [prolongation_reasons],
        )
        run("UPDATE {approval} a SET end_at = p.prolongation_start + 364 FROM bench_prolonged p WHERE a.id = p.id")
        run(
            "INSERT INTO {request} (approval_id, status, reason, end_at, explanation, company_id, declared_by_id,"
            " prescriber_organization_id, processed_at, deny_reason, deny_explanation, proposed_actions,"
            " prolongation_id, reminders_sent_at, created_at)"
            " SELECT p.id, CASE WHEN p.bucket < %s THEN 'granted' WHEN p.bucket < %s THEN 'pending' ELSE 'denied' END,"
            " (%s::text[])[1 + p.spread %% 5], a.end_at + 365,"
            " 'Le parcours doit continuer pour finir la formation en cours.', p.company_id, p.admin_id,"
            " o.id, CASE WHEN p.bucket < %s OR p.bucket >= %s THEN p.created_at + interval '20 months' END,"
            " CASE WHEN p.bucket >= %s THEN 'criteria_not_met' ELSE '' END, '', '', b.prolongation_id, '{{}}',"
            " p.created_at + interval '19 months'"
            " FROM bench_pass p JOIN {approval} a ON a.id = p.id JOIN bench_authorized o ON o.i = p.spread %% %s"
            " LEFT JOIN bench_prolonged b ON b.id = p.id WHERE p.bucket < %s ORDER BY p.id",
            [prolonged, pending, prolongation_reasons, prolonged, pending, pending, authorized, denied],
        )
    _earlier_approvals(g, run, offsets[0], approvals)
    for key in t:
        cur.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t[key])))
        g.report.table(t[key]).rows = cur.fetchone()[0]
    cur.execute("DROP TABLE bench_hires, bench_pass, bench_authorized, bench_company_admin")
    # The next steps (employee records, control) read these tables with SQL joins.
    run("ANALYZE {ja}, {diagnosis}, {approval}, {hire}")
    cur.execute("DROP TABLE IF EXISTS bench_prolonged")


# ---------------------------------------------------------------------------------------
# Employee records ("fiches salarié"), from the PASS IAE hires of the SIAE with a convention
# ---------------------------------------------------------------------------------------

from django.db.models import BooleanField  # noqa: E402

from itou.employee_records.models import EmployeeRecord  # noqa: E402

T_EMPLOYEE_RECORD = EmployeeRecord._meta.db_table
EMPLOYEE_RECORD_STATUS_WEIGHTS = {
    "PROCESSED": 55,
    "NEW": 12,
    "READY": 6,
    "SENT": 5,
    "REJECTED": 8,
    "DISABLED": 8,
    "ARCHIVED": 6,
}
EMPLOYEE_RECORD_MEASURES = {"ACI": "ACI_DC", "AI": "AI_DC", "EI": "EI_DC", "EITI": "EITI_DC", "ETTI": "ETTI_DC"}
EMPLOYEE_RECORD_REJECTIONS = [("3435", "Annexe financiere absente"), ("3417", "Commune inconnue"), ("3308", "Commune")]


def _employee_record_row(g, rng, record_id, hire, status) -> str:
    """One COPY line of EmployeeRecord: every concrete column, in model order."""
    approval_id, number, company_id, kind, siret, application_id, first, last = hire
    rejected = status == "REJECTED"
    code, label = rng.choice(EMPLOYEE_RECORD_REJECTIONS) if rejected else ("0000", "OK")
    created = ts(g.now - rng.randrange(DAY, 300 * DAY))
    values = {
        "id": record_id,
        "status": status,
        "company": company_id,
        "job_application": application_id,
        "approval": approval_id,
        "approval_number": number,
        "asp_siret": siret,
        "asp_measure": EMPLOYEE_RECORD_MEASURES[kind],
        "civility": rng.choice(["M", "MME"]),
        "last_name": copy_text(last),
        "first_name": copy_text(first),
        "birthdate": datetime.date(1970 + rng.randrange(35), 1 + rng.randrange(12), 1 + rng.randrange(28)).isoformat(),
        "birth_country": "\\N",
        "ntt": f"1{siret[:9]}X{record_id}",
        "lane_number": str(1 + rng.randrange(120)),
        "lane_type": "RUE",
        "lane_name": "DE LA REPUBLIQUE",
        "post_code": "69007",
        "commune_code": "69387",
        "education_level": "" if status == "NEW" else rng.choice(["50", "51", "40", "60", "70"]),
        "unemployed_since": rng.choice(["01", "02", "03", "04"]),
        "rsa": "NON",
        "asp_code": code if status in ("PROCESSED", "REJECTED") else "",
        "asp_label": label if status in ("PROCESSED", "REJECTED") else "",
        "processed_at": created if status == "PROCESSED" else "\\N",
        "created_at": created,
        "updated_at": created,
    }
    line = []
    for field in EmployeeRecord._meta.concrete_fields:
        name = field.name
        if name in values:
            line.append(str(values[name]))
        elif field.null:
            line.append("\\N")
        elif isinstance(field, BooleanField):
            line.append("t" if field.default else "f")
        else:
            line.append(str(field.default) if field.has_default() and not callable(field.default) else "")
    return "\t".join(line) + "\n"


@register_step("employee_records", T_EMPLOYEE_RECORD)
def generate_employee_records(g: Generation) -> None:
    """A record in every status for the PASS IAE hires of SIAE (one per PASS, SIRET and measure),
    read from the PASS IAE tables the approvals step filled. Without them, no record."""
    rng = g.rng("employee_records")
    g.cursor.execute(
        "SELECT DISTINCT ON (a.number, c.siret, c.kind) a.id, a.number, c.id, c.kind, c.siret, h.job_application_id,"
        " u.first_name, u.last_name"
        " FROM approvals_approvalhire h JOIN approvals_approval a ON a.id = h.approval_id"
        " JOIN companies_company c ON c.id = h.company_id JOIN users_user u ON u.id = a.job_seeker_id"
        " WHERE h.cancelled_at IS NULL AND a.cancelled_at IS NULL AND c.kind = ANY(%s)"
        " ORDER BY a.number, c.siret, c.kind, h.hiring_start_at DESC",
        [list(EMPLOYEE_RECORD_MEASURES)],
    )
    hires = g.cursor.fetchall()
    first_id = g.reserve_ids(T_EMPLOYEE_RECORD, len(hires))
    statuses = Picker(list(EMPLOYEE_RECORD_STATUS_WEIGHTS), EMPLOYEE_RECORD_STATUS_WEIGHTS.values())
    columns = [field.column for field in EmployeeRecord._meta.concrete_fields]
    g.copy(
        T_EMPLOYEE_RECORD,
        columns,
        (_employee_record_row(g, rng, first_id + i, hire, statuses.pick(rng)) for i, hire in enumerate(hires)),
        total=len(hires),
    )


# After-the-fact control (itou/control, docs/controle.md)
# ---------------------------------------------------------------------------------------


def _control_tables():
    from itou.approvals.models import Approval, ApprovalHire
    from itou.control.models import Campaign
    from itou.eligibility.models import EligibilityDiagnosis

    return (
        EligibilityDiagnosis._meta.db_table,
        EligibilityDiagnosis.administrative_criteria.through._meta.db_table,
        Approval._meta.db_table,
        ApprovalHire._meta.db_table,
        Campaign._meta.db_table,
    )


@register_step("control", *_control_tables())
def generate_control(g: Generation) -> None:
    """What the control needs, in SQL from the hires of the applications step: for each
    self-prescribed hire in an AI, EI, ACI or ETTI that has none, the SIAE's own diagnosis
    (criterion RSA) and the PASS IAE created by the hire; then one campaign per DDETS IAE
    for the last full year, in its sampling phase (bench/run.py times the national draw)."""
    from django.conf import settings

    from itou.control.enums import CONTROLLED_KINDS
    from itou.control.services import campaign_name

    t_diagnosis, t_criteria, t_approval, t_hire, t_campaign = _control_tables()
    cur = g.cursor
    cur.execute("DROP TABLE IF EXISTS bench_control_hires")
    cur.execute(
        sql.SQL(
            "CREATE TEMP TABLE bench_control_hires ON COMMIT DROP AS"
            " SELECT ja.id AS ja_id, ja.job_seeker_id, ja.to_company_id, ja.sender_id, ja.created_at,"
            " ja.hiring_start_at,"
            " nextval(pg_get_serial_sequence({diag}, 'id')) AS diagnosis_id,"
            " nextval(pg_get_serial_sequence({appr}, 'id')) AS approval_id"
            " FROM {ja} ja JOIN {company} c ON c.id = ja.to_company_id"
            " WHERE ja.state = 'accepted' AND ja.sender_kind = 'employer' AND c.kind = ANY(%s)"
            " AND ja.eligibility_diagnosis_id IS NULL AND ja.hiring_start_at IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM {hire} h WHERE h.job_application_id = ja.id)"
        ).format(
            diag=sql.Literal(t_diagnosis),
            appr=sql.Literal(t_approval),
            ja=sql.Identifier(T_APPLICATION),
            company=sql.Identifier(T_COMPANY),
            hire=sql.Identifier(t_hire),
        ),
        [list(CONTROLLED_KINDS)],
    )
    cur.execute(
        sql.SQL(
            "INSERT INTO {} (id, job_seeker_id, author_id, author_kind, author_company_id, created_at, expires_at)"
            " SELECT diagnosis_id, job_seeker_id, sender_id, 'employer', to_company_id, created_at,"
            " (created_at + interval '6 months')::date FROM bench_control_hires"
        ).format(sql.Identifier(t_diagnosis))
    )
    cur.execute(
        sql.SQL(
            "INSERT INTO {} (eligibilitydiagnosis_id, administrativecriteria_id)"
            " SELECT h.diagnosis_id, c.id FROM bench_control_hires h"
            " JOIN eligibility_administrativecriteria c ON c.kind = 'RSA'"
        ).format(sql.Identifier(t_criteria))
    )
    cur.execute(
        sql.SQL(
            "UPDATE {} ja SET eligibility_diagnosis_id = h.diagnosis_id FROM bench_control_hires h"
            " WHERE ja.id = h.ja_id"
        ).format(sql.Identifier(T_APPLICATION))
    )
    cur.execute(
        sql.SQL(
            "INSERT INTO {} (id, number, job_seeker_id, start_at, end_at, origin, created_by_id, created_at)"
            " SELECT approval_id, %s || lpad(nextval('approvals_approval_number_seq')::text, 7, '0'),"
            " job_seeker_id, hiring_start_at, (hiring_start_at + interval '2 years' - interval '1 day')::date,"
            " 'auto', sender_id, created_at FROM bench_control_hires"
        ).format(sql.Identifier(t_approval)),
        [settings.APPROVAL_NUMBER_PREFIX],
    )
    cur.execute(
        sql.SQL(
            "INSERT INTO {} (approval_id, job_application_id, company_id, hiring_start_at, created_at)"
            " SELECT approval_id, ja_id, to_company_id, hiring_start_at, created_at FROM bench_control_hires"
        ).format(sql.Identifier(t_hire))
    )
    cur.execute("SELECT count(*) FROM bench_control_hires")
    hires = cur.fetchone()[0]
    for table in (t_diagnosis, t_approval, t_hire):
        g.report.table(table).rows += hires
    year = g.today.year - 1
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    cur.execute(
        sql.SQL(
            "INSERT INTO {} (institution_id, name, period_start, period_end, phase, ratio_deadline,"
            " submission_deadline, adversarial_deadline, sanctions_deadline, created_at)"
            " SELECT id, %s, %s, %s, 'sampling', %s, %s, %s, %s, now() FROM {} WHERE kind = %s"
        ).format(sql.Identifier(t_campaign), sql.Identifier(T_INSTITUTION)),
        [
            campaign_name(start, end),
            start,
            end,
            g.today + datetime.timedelta(days=28),
            g.today + datetime.timedelta(days=70),
            g.today + datetime.timedelta(days=140),
            g.today + datetime.timedelta(days=320),
            InstitutionKind.DDETS_IAE.value,
        ],
    )
    g.report.table(t_campaign).rows += cur.rowcount


# Back-office (itou/backoffice): the login history the support reads (20 last per person).
T_LOGIN_EVENT = "backoffice_loginevent"


@register_step("login_events", T_LOGIN_EVENT)
def generate_login_events(g: Generation) -> None:
    """0 to 6 logins per job seeker, between their signup and today, from documentation addresses."""
    rng = g.rng("login_events")
    rows = []
    for index, joined in enumerate(g.job_seeker_joined):
        for _ in range(rng.randrange(7)):
            rows.append((g.job_seeker_first_id + index, joined + int(rng.random() * max(g.now - joined, 1))))
    first_id = g.reserve_ids(T_LOGIN_EVENT, max(len(rows), 1))
    g.copy(
        T_LOGIN_EVENT,
        ["id", "user_id", "created_at", "ip", "user_agent"],
        (
            f"{first_id + i}\t{user_id}\t{ts(moment)}\t203.0.113.{(user_id % 254) + 1}\tMozilla/5.0 (Android 12)\n"
            for i, (user_id, moment) in enumerate(rows)
        ),
        total=len(rows),
    )


@register_step(
    "stats",
    "stats_applicationday",
    "stats_applicationorgday",
    "stats_delayday",
    "stats_delayorg",
    "stats_hiredomainday",
    "stats_applicationmonth",
    "stats_delaymonth",
    "stats_approvalaggregate",
    "stats_dirtyday",
    "stats_dirtyflag",
)
def generate_stats(g: Generation) -> None:
    """The aggregates of the steering figures (docs/statistiques.md), computed from the
    generated applications by the SQL of `manage.py stats_rebuild` (bulk form: hash joins,
    the indexes may not be rebuilt yet); the change log the triggers wrote is emptied."""
    from itou.stats.refresh import rebuild_statements

    for statement in rebuild_statements():
        g.cursor.execute(statement)


# Steps of later domains, each in its own module (registered in this order, after the above).
import bench.dataset_control  # noqa: E402,F401 (control: certified criteria)
import bench.dataset_exchanges  # noqa: E402,F401 (follow-up groups, messages, support requests)
import bench.dataset_marketplace  # noqa: E402,F401 (commercial profiles, docs/marche.md)
