"""WSGI entry point used by ``veeduria serve`` (waitress, ``veeduria.server``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veeduria.settings")
application = get_wsgi_application()

from veeduria.secret_key import require_lasting_key  # noqa: E402  (needs the settings loaded above)

require_lasting_key()
