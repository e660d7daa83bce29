import datetime

import pytest
from django.db import connection

from bench import dataset
from itou.geo.models import Commune, Department, Region
from itou.jobs.models import Appellation, Rome, RomeDomain

# The generation date of the tests: every date of the world follows from it.
TODAY = datetime.date(2026, 6, 1)

# A few communes of the Rhône (and what the generator must leave aside).
COMMUNES = [
    # code, name, department, postal codes, population, latitude, longitude
    ("69123", "Lyon", "69", ["69001", "69002"], 522_250, 45.76851, 4.82356),
    ("69266", "Villeurbanne", "69", ["69100"], 156_928, 45.77067, 4.89016),
    ("69259", "Vénissieux", "69", ["69200"], 67_129, 45.70628, 4.87832),
    ("69290", "Saint-Priest", "69", ["69800"], 47_909, 45.69574, 4.94040),
    ("69029", "Bron", "69", ["69500"], 42_696, 45.73865, 4.91303),
    ("69091", "Givors", "69", ["69700"], 20_364, 45.58114, 4.76888),
    ("69003", "Albigny-sur-Saône", "69", ["69250"], 0, 45.86627, 4.83203),  # no inhabitant
    ("69004", "Alix", "69", ["69380"], 800, None, None),  # no coordinates
    ("01053", "Bourg-en-Bresse", "01", ["01000"], 41_248, 46.20574, 5.22580),  # another department
]
APPELLATIONS = [
    ("10001", "Agent / Agente d'entretien de locaux"),
    ("10002", "Ouvrier / Ouvrière du paysage"),
    ("10003", "Aide-cuisinier / Aide-cuisinière"),
    ("10004", "Manutentionnaire"),
    ("10005", "Maçon / Maçonne"),
]


@pytest.fixture
def reference_data():
    Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")
    Department.objects.create(code="69", name="Rhône", region_id="84")
    Department.objects.create(code="01", name="Ain", region_id="84")
    for code, name, department, postal_codes, population, latitude, longitude in COMMUNES:
        Commune.objects.create(
            code=code,
            name=name,
            department_id=department,
            postal_codes=postal_codes,
            population=population,
            latitude=latitude,
            longitude=longitude,
        )
    RomeDomain.objects.create(code="K", name="Services à la personne et à la collectivité")
    Rome.objects.create(code="K2204", name="Nettoyage de locaux", domain_id="K")
    for code, name in APPELLATIONS:
        Appellation.objects.create(code=code, name=name, rome_id="K2204")


def generate(**options) -> dataset.Report:
    """The generator on the test database, in the test's transaction."""
    connection.ensure_connection()
    return dataset.generate(connection.connection, **{"scale": "demo", "today": TODAY, **options})


@pytest.fixture
def demo_world(reference_data):
    return generate()
