from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Municipality, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "email", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_active", "groups", "must_change_password")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("ポータル", {"fields": ("full_name", "must_change_password")}),
    )
    show_full_result_count = False


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "local_government_code", "department", "council_term")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Municipality.objects.exists()
