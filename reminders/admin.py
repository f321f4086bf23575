from django.contrib import admin

from .models import ReminderTiming


@admin.register(ReminderTiming)
class ReminderTimingAdmin(admin.ModelAdmin):
    list_display = ("event", "programme", "plan", "days")
    list_filter = ("event", "programme")
    autocomplete_fields = ("programme", "plan")
    list_select_related = ("programme", "plan")
    fields = ("event", "programme", "plan", "days")
    show_full_result_count = False
