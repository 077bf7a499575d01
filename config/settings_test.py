"""Settings for the test suite: the real settings, with tasks run in-process by django-q2's sync mode."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
os.environ.setdefault("Q_SYNC", "1")
# Each test process (xdist workers too) gets its own upload folder, removed at its end.
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="imports-test-media-")

from config.settings import *  # noqa: E402,F403
from config.settings import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
GOOGLE_TOKEN_ENCRYPTION_KEYS = ["dGVzdHMtb25seS1nb29nbGUtdG9rZW4ta2V5LTMyYnk="]  # a fixed Fernet key
GOOGLE_API_BACKOFF_SECONDS = 0.01  # retries of the stand-in's 429 and 503 answers without waiting
IMPORT_BATCH_SIZE = 50  # small batches, so that tests cross batch boundaries

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a real worker process (qcluster) started by a test shares it.
    # One file per test run, so that runs side by side do not share it.
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), f"imports-test-{os.getpid()}.sqlite3")}
