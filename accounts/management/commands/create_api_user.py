import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from accounts.services import create_api_user


class Command(BaseCommand):
    help = "Make (or reuse) a user and an account list, issue an API token, print them as one JSON line."
    stealth_options = ("stdin",)  # call_command(..., stdin=stream) in tests, as for createsuperuser

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--account-list",
            dest="account_list",
            help='Account list name (default: "EMAIL\'s contacts")',
        )
        parser.add_argument(
            "--staff",
            action="store_true",
            help='Let the user review imports in the admin (the "Import reviewers" group)',
        )
        parser.add_argument("--superuser", action="store_true", help="Make the user a full administrator")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the user's password (for the admin) from the first line of standard input",
        )

    def handle(self, *args, email, account_list, staff, superuser, password_stdin, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Not an email address: {email!r}") from None
        password = self._read_password(options.get("stdin") or sys.stdin) if password_stdin else None
        try:
            user, account_list_obj, token = create_api_user(
                email=email, account_list_name=account_list, staff=staff, superuser=superuser, password=password
            )
        except ValidationError as error:
            raise CommandError("The password was refused: " + " ".join(error.messages)) from None
        if (staff or superuser) and not user.has_usable_password():
            self.stderr.write(
                "The user has no password yet, so cannot log in to the admin: run the command again "
                "with --password-stdin to set one."
            )
        self.stdout.write(
            json.dumps(
                {
                    "user_id": str(user.id),
                    "account_list_id": str(account_list_obj.id),
                    "token": token,
                }
            )
        )

    @staticmethod
    def _read_password(stream) -> str:
        password = stream.readline().rstrip("\r\n")
        if not password:
            raise CommandError("--password-stdin: standard input held no password.")
        return password
