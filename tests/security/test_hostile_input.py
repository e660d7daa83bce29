"""The outsiders' probe, second part: hostile input on every form and endpoint.

For every URL of the table (tests/security/test_url_sweep.py), the role that uses it
(its owner, or `ACTOR` for the actions nobody opens in GET) sends:

- in GET, hostile values in the usual parameters (next, page, q, sort, department…);
- in POST, a body built from the fields of the page's forms (plus the usual names): one
  field in three with a 10 000-character string holding a NUL byte and emoji, the others
  in a rotation of hostile values (negative and huge numbers, 2026-02-30, 0000-00-00,
  unknown choices, SQL and HTML injection, open-redirect targets, side B's ids, a list
  where a single value is expected);
- in POST, a body that is not UTF-8 (pages with a form).

Assertions: never a 500; an answer that is not a redirection wrote nothing in side A's
tables (an error changes nothing); a redirection never leads off the site.
"""

import re
from urllib.parse import urlencode, urlsplit

import pytest

from tests.security.test_url_sweep import (
    SESSION_CHANGING,
    _table,
    all_patterns,
    changed_tables,
    fingerprint,
    is_admin,
    url_of,
)

LONG = ("é🙂" + "x" * 98) * 100 + "\x00"  # 10 000 characters, a NUL byte, emoji
EVIL_TARGETS = ("//evil.example", "https://evil.example/", "javascript:alert(1)", "/\\evil.example")


def hostile_values(w):
    return [
        "-1",
        "99999999999999999999",
        "2026-02-30",
        "0000-00-00",
        "choix-inconnu",
        "' OR 1=1; DROP TABLE users_user; --",
        '<script>alert("x")</script><img src=x onerror=alert(1)>',
        *EVIL_TARGETS,
        str(w.company_b.pk),
        str(w.job_description_b.pk),
        "1e308",
        "NaN",
        "",
        "\x00",
    ]


# Who sends the hostile bodies to the URLs that no role opens in GET (owner None).
ACTOR = {
    "companies": "employer_a",
    "members": "employer_a",
    "applications": "employer_a",
    "approvals": "employer_a",
    "employee_records": "employer_a",
    "activity": "employer_a",
    "api_tokens": "employer_a",
    "api": "api_a",
    "control:ddets": "ddets_a",
    "control": "controlled_company_admin",
    "marketplace:need_close": "buyer_a",
    "marketplace:buyer_member_decide": "buyer_a",
    "marketplace:list_add": "buyer_a",
    "marketplace:profile_image": "employer_a",
    "followup:request_removal": "job_seeker_a",
    "followup": "prescriber_a",
    "dashboard": "job_seeker_a",
    "mfa": "staff",
}

# A success that answers 200 instead of redirecting (the write is the point).
WRITES_WITH_200 = {
    "api_tokens:list": "le jeton créé est montré une seule fois, sur la page elle-même",
}

COMMON_NAMES = ("next", "page", "q", "sort", "department", "year", "start", "end", "status", "id", "pk")
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', re.I)


def actor_of(key, spec):
    if spec.owner:
        return spec.owner
    for prefix in sorted(ACTOR, key=len, reverse=True):
        if key.startswith(prefix):
            return ACTOR[prefix]
    return "employer_a"


def field_names(response):
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    names = FIELD.findall(response.content.decode(errors="replace"))
    return [n for n in dict.fromkeys(names) if n != "csrfmiddlewaretoken"]


def body(names, w):
    """One hostile body: the first field (and one in three) at 10 000 characters with a NUL
    byte and emoji, the others in a rotation of hostile values, sometimes as a list."""
    names = list(dict.fromkeys([*names, *COMMON_NAMES]))
    values = hostile_values(w)
    result = {}
    for i, name in enumerate(names):
        value = LONG if i % 3 == 0 else values[i % len(values)]
        result[name] = [value, value] if i % 5 == 4 else value
    return result


def bad_redirect(response):
    """A redirection off the site (another host, a protocol-relative or javascript: URL)."""
    if response.status_code not in (301, 302, 303):
        return False
    location = response.get("Location", "")
    parts = urlsplit(location)
    return (
        location.startswith(("//", "/\\"))
        or parts.scheme not in ("", "http", "https")
        or parts.netloc not in ("", "testserver")
    )


def test_hostile_input_on_every_form_and_endpoint(probe):
    w, cs, r = probe
    problems = []
    requests = 0
    for pattern in all_patterns():
        if is_admin(pattern):
            continue
        spec = _table()[pattern.key]
        role = actor_of(pattern.key, spec)
        client, user = cs[role]
        url = url_of(pattern, w, r)
        # GET with hostile parameters; its form fields (or the plain page's) make the POST.
        query = urlencode(body([], w), doseq=True)
        response = client.get(f"{url}?{query}")
        requests += 1
        if response.status_code >= 500:
            problems.append(f"ERREUR 500 {role} GET {url}?… ({pattern.key})")
        if bad_redirect(response):
            problems.append(f"REDIRECTION OUVERTE {role} GET {url}?… ({pattern.key}) : {response['Location']}")
        names = field_names(response)
        if not names and response.status_code != 200:
            names = field_names(client.get(url))
            requests += 1
        before = fingerprint()
        response = client.post(url, body(names, w))
        requests += 1
        where = f"{role} POST {url} ({pattern.key})"
        if response.status_code >= 500:
            problems.append(f"ERREUR 500 {where}")
        elif (
            response.status_code not in (301, 302, 303)
            and pattern.key not in WRITES_WITH_200
            and (tables := changed_tables(before, fingerprint()))
        ):
            problems.append(f"ÉCRITURE PARTIELLE {where} : {response.status_code} {tables}")
        if bad_redirect(response):
            problems.append(f"REDIRECTION OUVERTE {where} : {response['Location']}")
        if names:  # a page with a form: a body that is not UTF-8 too
            response = client.post(url, b"name=\xff\xfe%00\xc3(", content_type="application/x-www-form-urlencoded")
            requests += 1
            if response.status_code >= 500:
                problems.append(f"ERREUR 500 {role} POST {url} ({pattern.key}) corps non UTF-8")
        if user is not None and pattern.key in SESSION_CHANGING:
            client.force_login(user)
    assert requests > 500
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_next_never_leads_off_the_site(client, target):
    from django.urls import reverse

    from tests.users.factories import DEFAULT_PASSWORD, JobSeekerFactory

    user = JobSeekerFactory()
    response = client.post(
        reverse("account_login") + "?" + urlencode({"next": target}),
        {"login": user.email, "password": DEFAULT_PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert not bad_redirect(response), response["Location"]
