from django.contrib import admin

from ruche.accounts.models import Department, Follow, Profile, Site, Skill, User
from ruche.accounts.services import org_unit_rename


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "first_name",
        "last_name",
        "is_active",
        "is_staff",
        "is_announcer",
        "is_analyst",
        "activated_at",
        "last_seen_at",
    ]
    list_filter = ["is_active", "is_staff", "is_animator", "is_announcer", "is_analyst"]
    search_fields = ["email", "first_name", "last_name", "handle"]
    exclude = ["password"]
    readonly_fields = [
        "last_login",
        "invited_at",
        "activated_at",
        "deactivated_at",
        "last_seen_at",
        "follower_count",
    ]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "job_title", "department", "site"]
    list_filter = ["department", "site"]
    search_fields = ["user__email", "user__last_name", "job_title"]
    autocomplete_fields = ["user", "manager"]
    filter_horizontal = ["skills"]


@admin.register(Department, Site)
class OrgUnitAdmin(admin.ModelAdmin):
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        if change and "name" in form.changed_data:
            org_unit_rename(unit=obj, name=obj.name)  # reindexes the people of the unit
        else:
            super().save_model(request, obj, form, change)


admin.site.register(Skill, search_fields=["name"])
admin.site.register(
    Follow, list_display=["follower", "followed", "created"], raw_id_fields=["follower", "followed"]
)
