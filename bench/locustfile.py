"""Locust scenarios of the load test (run by bench/load.py, one user class at a time).

- AnonymousSearch, JobSearch: the public employer and job description searches around big
  and small communes, 25 km, each request a cache miss (an extra parameter `_` that the
  form ignores but the page cache keys on, itou/utils/pagecache.py): the uncached cost;
- CachedSearch: the same employer searches repeated, as visitors do: served by the page cache;
- EmployerInbox: the received applications of the busiest employer, logged in through a
  session created beforehand by bench/load.py (BENCH_SESSIONS: a JSON list of session keys;
  logging in through the form costs a PBKDF2 hash, half a second, per virtual user);
- Trivial: a trivial Django view behind the same middleware (bench/trivial.py), the reference.

The users are locust's FastHttpUser (geventhttpclient): the load generator runs on the same
2 cores as gunicorn and PostgreSQL, and the requests-based HttpUser cost it several times more
processor per request, taken from the server under test.

No wait between requests: each virtual user sends the next request as soon as the answer
arrives (closed loop), so requests/s is the throughput of the server.
"""

import itertools
import json
import os

from locust import FastHttpUser, constant, task

COMMUNES = ["69123", "75056", "59350", "13055", "33063", "87085", "23096"]
_sessions = itertools.cycle(json.loads(os.environ.get("BENCH_SESSIONS", "[]")) or [""])
_communes = itertools.cycle(COMMUNES)
_misses = itertools.count()


class AnonymousSearch(FastHttpUser):
    wait_time = constant(0)

    @task
    def search(self):
        code = next(_communes)
        self.client.get(
            f"/rechercher/employeurs/?commune_code={code}&radius=25&_={next(_misses)}", name="/rechercher/employeurs/"
        )


class JobSearch(FastHttpUser):
    wait_time = constant(0)

    @task
    def search(self):
        code = next(_communes)
        self.client.get(
            f"/rechercher/fiches-de-poste/?commune_code={code}&radius=25&_={next(_misses)}",
            name="/rechercher/fiches-de-poste/",
        )


class CachedSearch(FastHttpUser):
    wait_time = constant(0)

    @task
    def search(self):
        code = next(_communes)
        self.client.get(
            f"/rechercher/employeurs/?commune_code={code}&radius=25", name="/rechercher/employeurs/ (cache)"
        )


class EmployerInbox(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.cookie = f"sessionid={next(_sessions)}"

    @task
    def inbox(self):
        with self.client.get(
            "/candidatures/recues/", headers={"Cookie": self.cookie}, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"statut {response.status_code} (session refusée ?)")


class Trivial(FastHttpUser):
    wait_time = constant(0)

    @task
    def trivial(self):
        self.client.get("/__bench__/trivial/")
