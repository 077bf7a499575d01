"""Every model of the product has a factory, and each factory makes a row the model accepts."""

import pytest
from django.apps import apps

import tests.factories as factories

pytestmark = pytest.mark.django_db

FACTORIES = [getattr(factories, name) for name in factories.__all__ if name.endswith("Factory")]
PRODUCT_APPS = ("accounts", "contacts", "fundraising", "google_contacts", "imports")


def test_every_model_of_the_product_has_a_factory():
    models = {model for label in PRODUCT_APPS for model in apps.get_app_config(label).get_models()}
    assert models == {factory._meta.model for factory in FACTORIES}


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda factory: factory.__name__)
def test_a_factory_makes_a_row_that_passes_the_models_validation(factory):
    first, second = factory(), factory()
    for instance in (first, second):
        instance.full_clean()
    assert first.pk != second.pk
