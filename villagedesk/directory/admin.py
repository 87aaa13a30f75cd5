from django.contrib import admin
from django.db import transaction
from django.db.models import Q

from villagedesk.directory.figures import network_changed
from villagedesk.directory.models import Contact, Link, Organisation, Position


class NetworkChangeAdmin(admin.ModelAdmin):
    """Changes made here reach the stored figures of the network like those made in the app."""

    def codes(self, obj) -> list[str]:
        raise NotImplementedError

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        before = self.codes(type(obj).objects.get(pk=obj.pk)) if change else []
        super().save_model(request, obj, form, change)
        network_changed([*before, *self.codes(obj)])

    @transaction.atomic
    def delete_model(self, request, obj):
        codes = self.codes(obj)
        super().delete_model(request, obj)
        network_changed(codes)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        codes = [code for obj in queryset for code in self.codes(obj)]
        super().delete_queryset(request, queryset)
        network_changed(codes)


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "area", "private"]
    list_filter = ["kind", "level", "private"]
    search_fields = ["name", "name_pinyin", "area_code"]
    raw_id_fields = ["area", "parent"]
    inlines = [PositionInline]


@admin.register(Contact)
class ContactAdmin(NetworkChangeAdmin):
    list_display = ["name", "kind", "organisation", "area", "private"]
    list_filter = ["kind", "private"]
    search_fields = ["name", "name_pinyin", "name_initials", "area_code"]
    raw_id_fields = ["area", "organisation", "position", "person"]

    def codes(self, obj) -> list[str]:
        linked = Contact.objects.filter(Q(links_in__source=obj) | Q(links_out__target=obj))
        return [obj.area_code, *linked.values_list("area_code", flat=True)]


@admin.register(Link)
class LinkAdmin(NetworkChangeAdmin):
    list_display = ["source", "kind", "target"]
    list_filter = ["kind"]
    raw_id_fields = ["source", "target"]

    def codes(self, obj) -> list[str]:
        return [obj.source.area_code, obj.target.area_code]
