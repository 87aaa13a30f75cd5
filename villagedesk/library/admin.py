from django.contrib import admin

from villagedesk.library.models import Tag

# Articles are written only through the library's pages, whose service keeps the search index
# and the related words in step; tags are a short list kept here.


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en"]
