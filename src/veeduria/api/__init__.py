"""The JSON API (django-ninja, OpenAPI at ``/api/v1/openapi.json``, docs at ``/api/v1/docs``)."""
