import io

import pytest
from django.core.management import call_command

from itou.geo.models import Commune, Department, Region

# The few rows of the geographic referential that the demo world uses (from communes.csv).
REGIONS = {"84": "Auvergne-Rhône-Alpes", "32": "Hauts-de-France", "11": "Île-de-France"}
DEPARTMENTS = {"69": ("Rhône", "84"), "59": ("Nord", "32"), "93": ("Seine-Saint-Denis", "11")}
COMMUNES = [
    ("69123", "Lyon", "69", [f"6900{i}" for i in range(1, 10)], 45.76851, 4.82356),
    ("69266", "Villeurbanne", "69", ["69100"], 45.77067, 4.89016),
    ("69259", "Vénissieux", "69", ["69200"], 45.70628, 4.87832),
    ("59350", "Lille", "59", ["59000", "59160", "59260", "59777", "59800"], 50.63443, 3.04764),
    ("59512", "Roubaix", "59", ["59100"], 50.68731, 3.18327),
    ("59599", "Tourcoing", "59", ["59200"], 50.72533, 3.15845),
    ("93066", "Saint-Denis", "93", ["93200", "93210", "93380"], 48.93551, 2.36937),
    ("93008", "Bobigny", "93", ["93000"], 48.91102, 2.44597),
    ("93048", "Montreuil", "93", ["93100"], 48.86349, 2.45005),
    ("93001", "Aubervilliers", "93", ["93300"], 48.91707, 2.38824),
    # Communes of the sample official list (itou/companies/data/demo_structures.csv).
    ("69256", "Vaulx-en-Velin", "69", ["69120"], 45.78019, 4.91417),
    ("69029", "Bron", "69", ["69500"], 45.73515, 4.90764),
    ("59183", "Dunkerque", "59", ["59140", "59240", "59279", "59430", "59640"], 51.03455, 2.33863),
    ("59606", "Valenciennes", "59", ["59300"], 50.36264, 3.51952),
    ("93055", "Pantin", "93", ["93500"], 48.89957, 2.41061),
]


@pytest.fixture
def demo_communes():
    # The eligibility criteria too: the demo's hires in SIAE need diagnoses.
    call_command("import_criteria", verbosity=0, stdout=io.StringIO())
    for code, name in REGIONS.items():
        Region.objects.create(code=code, name=name)
    for code, (name, region) in DEPARTMENTS.items():
        Department.objects.create(code=code, name=name, region_id=region)
    return [
        Commune.objects.create(
            code=code, name=name, department_id=department, postal_codes=postal_codes, latitude=lat, longitude=lon
        )
        for code, name, department, postal_codes, lat, lon in COMMUNES
    ]
