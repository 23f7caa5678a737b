"""WSGI entry point for gunicorn.

Production settings unless ``DJANGO_SETTINGS_MODULE`` says otherwise: a server started without
configuration must fail loudly (no SECRET_KEY) rather than run with development defaults.
``make run`` (scripts/serve.sh) chooses ``config.settings.dev`` explicitly.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()
