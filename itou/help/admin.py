from django.contrib import admin

from itou.help.models import HelpFeedback, HelpPage


@admin.register(HelpPage)
class HelpPageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "audiences", "indexed_at"]
    readonly_fields = ["slug", "title", "summary", "audiences", "rank", "text", "indexed_at"]
    exclude = ["search_vector"]

    def has_add_permission(self, request):
        return False


@admin.register(HelpFeedback)
class HelpFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "page_slug", "helpful", "comment"]
    list_filter = ["helpful", "page_slug"]
    raw_id_fields = ["user"]
