from django.contrib import admin

from villagedesk.directory.models import Contact, Link, Organisation, Position


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
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "area", "private"]
    list_filter = ["kind", "private"]
    search_fields = ["name", "name_pinyin", "name_initials", "area_code"]
    raw_id_fields = ["area", "organisation", "position", "person"]


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    list_display = ["source", "kind", "target"]
    list_filter = ["kind"]
    raw_id_fields = ["source", "target"]
