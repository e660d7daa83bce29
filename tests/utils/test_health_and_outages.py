"""The load balancer's health check, and the French 503 page when the database is down."""

import pytest
from django.db import connection

from tests.conftest import StrictClient


def test_health_check_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/sante/", HTTP_HOST="10.0.0.7")  # the balancer's own address
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db(transaction=True)  # a real disconnection, outside a test transaction
def test_database_down_french_503_without_the_database():
    client = StrictClient(raise_request_exception=False)
    real_settings = connection.settings_dict.copy()
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there: a restart in progress
    try:
        response = client.get("/tableau-de-bord/", HTTP_COOKIE="sessionid=" + "a" * 32)
    finally:
        connection.close()
        connection.settings_dict.update(real_settings)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    html = response.content.decode()
    assert "Service momentanément indisponible" in html and "Erreur 503" in html
