"""Settings for the load test only: the product's settings with the bare views' URLs added.

Never used by the product: ``benchmarks/bench_load.py`` starts gunicorn with it.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.load_urls"
