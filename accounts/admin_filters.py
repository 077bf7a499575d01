"""A list filter that picks its account list from a search box, not from a list of every account list.

The admin's own related-field filter renders every account list as a link:
with thousands of lists the page grows by that much and the filter cannot be
used. This one renders Django's own autocomplete widget (select2, fed by the
account list admin's search through `admin:autocomplete`), so only the list
being filtered by is loaded, and choosing one reloads the page filtered by it.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect


class AutocompleteFilter(admin.FieldListFilter):
    template = "admin/autocomplete_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_kwarg = f"{field_path}__{field.target_field.name}__exact"
        values = params.get(self.lookup_kwarg) or []
        self.value = values[-1] if isinstance(values, list) and values else values or ""
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = getattr(field, "verbose_name", field_path)
        widget = AutocompleteSelect(field, model_admin.admin_site, attrs={"data-placeholder": f"any {self.title}"})
        # The form field gives the widget its choices: only the chosen one is ever read from the database.
        self.widget = forms.ModelChoiceField(
            queryset=field.remote_field.model._default_manager.all(), widget=widget
        ).widget

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str]:
        return [self.lookup_kwarg]

    def choices(self, changelist):
        kept = {key: values for key, values in changelist.filter_params.items() if key != self.lookup_kwarg}
        yield {
            "widget": self.widget.render(self.lookup_kwarg, self.value, attrs={"id": f"filter-{self.lookup_kwarg}"}),
            "kept": [(key, item) for key, values in kept.items() for item in values],
            "selected": bool(self.value),
            "clear_query_string": changelist.get_query_string(remove=[self.lookup_kwarg]),
        }


class AutocompleteFilterMedia:
    """Mixin for a ModelAdmin whose list filters include AutocompleteFilter: the widget's scripts and styles."""

    @property
    def media(self) -> forms.Media:
        media = super().media
        for entry in self.list_filter:
            if isinstance(entry, tuple) and entry[1] is AutocompleteFilter:
                field = self.model._meta.get_field(entry[0])
                media += AutocompleteSelect(field, self.admin_site).media
                media += forms.Media(js=["accounts/autocomplete_filter.js"])
        return media
