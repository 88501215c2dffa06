import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from indemnites.config.prechauffage import prechauffer

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "indemnites.config.settings.base")
application = get_wsgi_application()

# Load the URLs (hence the API and its schemas) now rather than at the first request, build what the first
# page would build (prechauffage.py), then keep all that was loaded out of the garbage collector's scans: a
# full collection of a worker otherwise walks these ~110,000 long-lived objects, a pause of about 70 ms that
# the requests in flight wait out (bench/README.md, « Charge de l'API »).
import_module(settings.ROOT_URLCONF)
prechauffer()
gc.freeze()
