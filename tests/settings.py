"""Settings for the test suite: the real settings, run the way the demo runs (plain HTTP on
localhost), with a fixed throwaway secret and a fast password hasher."""

import os

os.environ.setdefault("KAMPUNGKB_SECRET_KEY", "tests-only-not-a-secret-" + "x" * 30)
os.environ.setdefault("KAMPUNGKB_DEMO", "1")

from kampungkb.config.settings import *  # noqa: F403

DEBUG = False
# Argon2 is what production uses (tested in tests/core/test_settings.py); hashing it on every
# test login would only slow the suite down.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = True
ALLOWED_HOSTS = ["*"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The demo seeds about 8,000 children; the tests check the same generator on a small scale.
KAMPUNGKB_DEMO_CHILDREN = 100
