"""Locust users for the bounded load test (``benchmarks/bench_load.py`` runs it headless).

Never imported by Django or the tests: locust patches the standard library with gevent.
``LOAD_SCENARIO`` names the one page every user asks for; ``LOAD_HOST_HEADER`` the city's
host, ``LOAD_USERNAME`` / ``LOAD_PASSWORD`` the login for pages behind one.
"""

import os
import re

from locust import HttpUser, constant, task

SCENARIO = os.environ.get("LOAD_SCENARIO", "public_councils")
HOST_HEADER = os.environ.get("LOAD_HOST_HEADER", "scale001.scale.localhost")
PATHS = {
    "public_home": "/",
    "public_councils": "/councils/",
    "bare_councils": "/bare/councils/",
    "dashboard": "/portal/",
    "bare_dashboard": "/bare/dashboard/",
    "review_queue": "/admin/subsidies/application/?status=submitted",
    "bare_review_queue": "/bare/review-queue/",
}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class PageUser(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.client.headers["Host"] = HOST_HEADER
        username = os.environ.get("LOAD_USERNAME")
        if not username:
            return
        page = self.client.get("/accounts/login/", name="login")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/accounts/login/",
            data={
                "username": username,
                "password": os.environ["LOAD_PASSWORD"],
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": f"http://{HOST_HEADER}/accounts/login/"},
            name="login",
        )

    @task
    def page(self):
        # Redirects are not followed: a lost login would otherwise count the login page.
        with self.client.get(
            PATHS[SCENARIO], name=SCENARIO, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
