"""The admin's import pages: the list, an import's page and its actions."""

from imports.admin import pages  # noqa: F401  (registers the ModelAdmins)
