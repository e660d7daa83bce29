from tests.companies.conftest import boulanger, lyon, maraicher, villeurbanne  # noqa: F401 (fixtures)
