from django.contrib import admin

from villagedesk.areas.models import Area, VillageGroup


class VillageGroupInline(admin.TabularInline):
    model = VillageGroup
    extra = 0
    exclude = ["area_code"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name", "name_pinyin", "name_en"]
    autocomplete_fields = ["parent"]

    def get_inlines(self, request, obj):
        return [VillageGroupInline] if obj is not None and obj.level == 5 else []


@admin.register(VillageGroup)
class VillageGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "village"]
    search_fields = ["name", "village__name"]
    autocomplete_fields = ["village"]
    exclude = ["area_code"]
