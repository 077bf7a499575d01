"""The WSGI entry point: `application`, with the URLconf loaded before the first request."""

import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Load the URLconf (every view and serializer) now rather than in the first request, then leave
# all that was loaded out of the cyclic garbage collector. It lives as long as the process, yet
# every full collection walked it again (some 95,000 objects): about a tenth of the time of a
# list of imports. Objects made while serving requests are collected as before.
import_module(settings.ROOT_URLCONF)
gc.freeze()
