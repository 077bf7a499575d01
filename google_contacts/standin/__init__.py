"""A local stand-in for Google's OAuth endpoints and the People API, for tests and walk-throughs.

It answers with the shapes Google documents: the authorization endpoint
(which consents at once as the stand-in's account and redirects back with a
code), the token endpoint (`authorization_code` with PKCE, `refresh_token`,
`invalid_grant`), revocation, `people/me`, `contactGroups` and
`people/me/connections` (paged with `nextPageToken`, at most `max_page_size`
people a page whatever `pageSize` asks, as Google may). Faults can be
scheduled: a status answered the next N times a path is asked, access
tokens that expire, an authorisation the user revoked.

Plain WSGI on the standard library: no Django, no network beyond the
loopback address it binds. `python manage.py google_standin` runs it.
"""

from google_contacts.standin.demo_data import demo_groups, demo_people
from google_contacts.standin.server import CONTACTS_SCOPE, EMAIL_SCOPE, GoogleStandIn, StandInAccount, s256

__all__ = ["CONTACTS_SCOPE", "EMAIL_SCOPE", "GoogleStandIn", "StandInAccount", "demo_groups", "demo_people", "s256"]
