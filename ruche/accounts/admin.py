"""Django's admin: kept for support. Daily work (departments, sites, roles, directory settings,
people) is done in Ruche's own pages (/manage/...), which check, log and tell the other apps; here
what those pages own is read-only, and a rename goes through the same service."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ruche.accounts.admin_actions import action_label
from ruche.accounts.models import (
    AdminLogEntry,
    Department,
    DirectorySettings,
    Follow,
    Profile,
    SignIn,
    Site,
    Skill,
    User,
)
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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for support; written by Ruche's own pages or by the application only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Department, Site)
class OrgUnitAdmin(admin.ModelAdmin):
    """Renamed here through the service (people reindexed, logged); merging and deleting are done on
    /manage/departments/ and /manage/sites/, which move the people and keep the audiences right."""

    search_fields = ["name"]
    list_display = ["name", "people"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(people_count=Count("profiles"))

    @admin.display(description=_("people"), ordering="people_count")
    def people(self, obj):
        return obj.people_count

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change and "name" in form.changed_data:
            org_unit_rename(unit=obj, name=obj.name, by=request.user)  # reindexes the people of the unit
        else:
            super().save_model(request, obj, form, change)


@admin.register(DirectorySettings)
class DirectorySettingsAdmin(ReadOnlyAdmin):
    """Edited on /manage/directory/ (its cache is replaced and the change logged there)."""

    list_display = ["sso_provision_unknown", "scim_groups_as", "erasure_keeps_contributions"]


@admin.register(SignIn)
class SignInAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "method", "ip"]
    list_filter = ["method"]
    search_fields = ["user__email", "user__last_name"]
    list_select_related = ["user"]
    date_hierarchy = "at"


@admin.register(AdminLogEntry)
class AdminLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["created", "actor", "action_name", "target"]
    list_filter = ["action"]
    search_fields = ["target", "actor__email"]
    list_select_related = ["actor"]
    date_hierarchy = "created"

    @admin.display(description=_("action"), ordering="action")
    def action_name(self, obj):
        return action_label(obj.action)


admin.site.register(Skill, search_fields=["name"])
admin.site.register(
    Follow, list_display=["follower", "followed", "created"], raw_id_fields=["follower", "followed"]
)
