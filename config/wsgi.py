import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from ruche.core.serving import settle_web_process  # noqa: E402

settle_web_process()
