import factory

from villagedesk.welfare.models import IncomeLine, Parameter


class ParameterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Parameter

    year = 2025


class IncomeLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncomeLine

    year = 2025
    kind = "wage"
