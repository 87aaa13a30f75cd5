"""Dividends and rent received are written only through the services, which carry them into
the households' income: the admin lists neither."""

from django.contrib import admin

from villagedesk.economy.models import (
    Collective,
    CollectiveCapital,
    CollectiveIncome,
    CollectiveMember,
    CollectiveSpending,
    Cooperative,
    CooperativeMember,
    LandTransfer,
    Plot,
)


@admin.register(Cooperative)
class CooperativeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "village"]
    list_filter = ["kind"]
    raw_id_fields = ["village"]


@admin.register(CooperativeMember)
class CooperativeMemberAdmin(admin.ModelAdmin):
    list_display = ["cooperative", "household", "shares"]
    raw_id_fields = ["cooperative", "household"]


@admin.register(Collective)
class CollectiveAdmin(admin.ModelAdmin):
    list_display = ["name", "village"]
    raw_id_fields = ["village"]


@admin.register(CollectiveMember)
class CollectiveMemberAdmin(admin.ModelAdmin):
    list_display = ["collective", "person", "basis", "confirmed_on", "ended_on"]
    list_filter = ["basis"]
    raw_id_fields = ["collective", "person"]


@admin.register(CollectiveIncome, CollectiveSpending, CollectiveCapital)
class CollectiveLineAdmin(admin.ModelAdmin):
    raw_id_fields = ["collective"]


@admin.register(Plot)
class PlotAdmin(admin.ModelAdmin):
    list_display = ["name", "household", "kind", "area_mu", "certificate"]
    list_filter = ["kind", "certificate"]
    raw_id_fields = ["household"]


@admin.register(LandTransfer)
class LandTransferAdmin(admin.ModelAdmin):
    list_display = ["plot", "counterparty", "area_mu", "rent_per_mu", "starts_on", "ends_on"]
    raw_id_fields = ["plot", "household"]
