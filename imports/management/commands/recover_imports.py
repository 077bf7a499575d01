import json

from django.core.management.base import BaseCommand

from imports.pipeline.recovery import recover_stalled_imports


class Command(BaseCommand):
    help = (
        "Resume imports whose worker died (no heartbeat for IMPORT_STALL_SECONDS, or its process on this "
        "machine is gone), or fail them after too many tries."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stall-seconds", type=int, help="Override IMPORT_STALL_SECONDS")

    def handle(self, *args, stall_seconds=None, **options):
        self.stdout.write(json.dumps(recover_stalled_imports(stall_seconds=stall_seconds)))
