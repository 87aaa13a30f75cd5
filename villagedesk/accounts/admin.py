from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from villagedesk.accounts.models import Assignment, LoginFailure, User


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 1
    autocomplete_fields = ["area"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [AssignmentInline]
    fieldsets = BaseUserAdmin.fieldsets + ((None, {"fields": ("display_name", "language")}),)
    list_display = ["username", "display_name", "is_staff", "is_active"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "area", "starts_on", "ends_on"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "area"]


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ["username", "address", "at"]
    readonly_fields = ["username", "address", "at"]
