import time

from django.core.management.base import BaseCommand

from google_contacts.standin import GoogleStandIn, demo_groups, demo_people


class Command(BaseCommand):
    help = (
        "Run a local stand-in for Google's OAuth endpoints and People API (demo people and groups), "
        "for trying the Google import without a Google Cloud project. Stop it with Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8401)
        parser.add_argument("--people", type=int, default=250, help="How many demo people (default 250)")
        parser.add_argument(
            "--max-page-size", type=int, default=100, help="People per page at most, whatever is asked (default 100)"
        )

    def handle(self, *args, host, port, people, max_page_size, **options):
        groups = demo_groups()
        standin = GoogleStandIn(people=demo_people(people, groups), groups=groups, max_page_size=max_page_size)
        url = standin.serve(host=host, port=port)
        pages = -(-people // max_page_size)
        self.stdout.write(f"Google stand-in on {url}: {people} people in {pages} pages, {len(groups)} groups.")
        self.stdout.write("Point the service at it (then start it):")
        for name, value in standin.settings().items():
            self.stdout.write(f"  export {name}={value}")
        self.stdout.write(
            "An authorization code, as Google's consent screen would give it (in the Location header):\n"
            f"  curl -si '{url}/o/oauth2/v2/auth?client_id={standin.state.client_id}"
            "&redirect_uri=http://localhost:8000/google/callback&response_type=code' | grep -i ^location"
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            standin.stop()
