"""The WSGI application a server loads (config/wsgi.py), with production settings on SQLite.

Runs in a subprocess, so that freezing the garbage collector does not touch the test process.
"""

from tests.security.test_deploy_settings import production_environment, run_django

PROBE = """
import gc, sys
from django.conf import settings
from config.wsgi import application
print(gc.get_freeze_count(), "config.urls" in sys.modules, "imports.api.serializers" in sys.modules,
      settings.DATABASES["default"]["CONN_MAX_AGE"])
"""


def probe(tmp_path, **environment) -> list[str]:
    completed = run_django(production_environment(tmp_path, **environment), "-c", PROBE)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.split()


def test_the_application_loads_its_views_then_leaves_them_out_of_garbage_collection(tmp_path):
    frozen, urls_loaded, serializers_loaded, _ = probe(tmp_path)
    assert int(frozen) > 20_000
    assert urls_loaded == serializers_loaded == "True"


def test_sqlite_connections_are_kept_between_requests_as_configured(tmp_path):
    assert probe(tmp_path)[-1] == "60"
    assert probe(tmp_path, DATABASE_CONN_MAX_AGE="0")[-1] == "0"
