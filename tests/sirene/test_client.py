"""The SIRENE adapter, against a local fake HTTP server (never the network)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from itou.sirene.client import lookup_siret

ANSWER = {
    "etablissement": {
        "siret": "81245730100017",
        "uniteLegale": {"denominationUniteLegale": "ASSOCIATION LE RELAIS"},
        "adresseEtablissement": {
            "numeroVoieEtablissement": "5",
            "typeVoieEtablissement": "RUE",
            "libelleVoieEtablissement": "DU MOUTIER",
            "codePostalEtablissement": "93300",
            "codeCommuneEtablissement": "93001",
        },
    }
}


@pytest.fixture
def fake_sirene(settings):
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append((self.path, self.headers.get("Authorization")))
            if self.path.endswith("/81245730100017"):
                body = json.dumps(ANSWER).encode()
                self.send_response(200)
            else:
                body = b'{"header": {"statut": 404}}'
                self.send_response(404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SIRENE_API_URL = f"http://127.0.0.1:{server.server_port}/api"
    settings.SIRENE_API_TOKEN = "secret"
    yield requests
    server.shutdown()


def test_off_when_not_configured(settings):
    settings.SIRENE_API_URL = ""
    assert lookup_siret("81245730100017") is None


def test_lookup(fake_sirene):
    establishment = lookup_siret("81245730100017")
    assert establishment.name == "ASSOCIATION LE RELAIS"
    assert establishment.address_line == "5 RUE DU MOUTIER"
    assert establishment.post_code == "93300"
    assert establishment.commune_code == "93001"
    assert fake_sirene == [("/api/siret/81245730100017", "Bearer secret")]


def test_unknown_siret_or_failure_answers_none(fake_sirene, settings):
    assert lookup_siret("81245730100025") is None
    settings.SIRENE_API_URL = "http://127.0.0.1:9/api"  # nothing listens there
    assert lookup_siret("81245730100017") is None
