from django.core.management.base import BaseCommand

from google_contacts.services import reencrypt_tokens


class Command(BaseCommand):
    help = (
        "Encrypt every stored Google refresh token again with the first key of GOOGLE_TOKEN_ENCRYPTION_KEYS. "
        "Run it after putting a new key first; then the old key can be removed."
    )

    def handle(self, *args, **options):
        count = reencrypt_tokens()
        self.stdout.write(f"Re-encrypted {count} Google token{'s' if count != 1 else ''} with the first key.")
