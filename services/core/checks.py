"""System checks on what the pages load: every ``{% static %}`` in a template names a file.

Under the manifest storage of production (``CompressedManifestStaticFilesStorage``) a path
that is not a collected file (a directory, a typo) raises on every render, so every page
would answer 500 while development, which serves files unhashed, shows nothing wrong. This
check runs with ``manage.py check`` (and ``check --deploy``), in CI and before each deploy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.checks import Error, Tags, register

STATIC_TAG = re.compile(r"""{%\s*static\s+(?P<q>['"])(?P<path>[^'"]+)(?P=q)""")


def template_files() -> Iterator[Path]:
    dirs: list[Path] = []
    for engine in cast(list[dict[str, Any]], settings.TEMPLATES):
        dirs.extend(Path(d) for d in engine.get("DIRS", []))
        if engine.get("APP_DIRS"):
            # The project's own apps; installed packages (even in a .venv inside the
            # repository) are their authors' business.
            dirs.extend(Path(app.path) / "templates" for app in apps.get_app_configs()
                        if app.path.startswith(str(settings.BASE_DIR))
                        and "site-packages" not in app.path)
    for directory in dirs:
        if directory.is_dir():
            yield from sorted(directory.rglob("*.html"))


def static_references(path: Path) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for match in STATIC_TAG.finditer(line):
            yield number, match.group("path")


@register(Tags.templates)
def check_static_references(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    for template in template_files():
        for number, ref in static_references(template):
            found = finders.find(ref)
            if not found or not Path(str(found)).is_file():
                errors.append(Error(
                    f"{template}:{number}: {{% static '{ref}' %}} is not a static file",
                    hint="The manifest storage only knows files: name a file, or build the "
                         "URL from a file's static URL.",
                    id="ambito.E001",
                ))
    return errors
