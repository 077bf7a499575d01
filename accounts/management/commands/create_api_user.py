import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from accounts.services import create_api_user


class Command(BaseCommand):
    help = "Make (or reuse) a user and an account list, issue an API token, print them as one JSON line."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--account-list",
            dest="account_list",
            help='Account list name (default: "EMAIL\'s contacts")',
        )
        parser.add_argument("--staff", action="store_true", help="Let the user log in to the admin")

    def handle(self, *args, email, account_list, staff, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Not an email address: {email!r}") from None
        user, account_list_obj, token = create_api_user(email=email, account_list_name=account_list, staff=staff)
        self.stdout.write(
            json.dumps(
                {
                    "user_id": str(user.id),
                    "account_list_id": str(account_list_obj.id),
                    "token": token,
                }
            )
        )
