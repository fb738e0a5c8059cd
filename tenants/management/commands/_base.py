"""Management commands turn domain errors into a clean one-line message and exit code 1."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from services.core.errors import AmbitoError


class ServiceCommand(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except AmbitoError as exc:
            raise CommandError(str(exc)) from exc

    def report(self, created: bool, what: str) -> None:
        if created:
            self.stdout.write(self.style.SUCCESS(f"Creato: {what}"))
        else:
            self.stdout.write(f"Già presente, nulla da fare: {what}")
