from ambito import env

from .base import *  # noqa: F403

# The demo shows the product's own Italian error pages; a developer who wants Django's
# debug pages sets AMBITO_DEBUG=true.
DEBUG = env.flag("AMBITO_DEBUG", False)
ALLOWED_HOSTS = ["*"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
