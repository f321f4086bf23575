from django.contrib import admin

from core.admin_helpers import ReadOnlyAdmin

from .models import SentNotice


@admin.register(SentNotice)
class SentNoticeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "council", "user", "subject", "actor", "emailed")
    list_filter = ("kind",)
    search_fields = ("subject", "council__name")
    list_select_related = ("council", "user", "actor")
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(description="メール", boolean=True)
    def emailed(self, obj):
        return obj.was_emailed
