from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ruche.core.text import fold
from ruche.core.uploads import unguessable_name

# The condition every list of people adds: colleagues, never an integration's account.
PEOPLE = models.Q(is_bot=False)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        from ruche.accounts.services import unique_handle

        email = self.normalize_email(email).lower()
        fields.setdefault(
            "handle", unique_handle(f"{fields.get('first_name', '')} {fields.get('last_name', '')}")
        )
        user = self.model(email=email, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        fields.setdefault("activated_at", timezone.now())
        return self.create_user(email, password, **fields)


class Source(models.TextChoices):
    LOCAL = "local", _("Ruche")
    SSO = "sso", _("single sign-on")
    SCIM = "scim", _("SCIM provisioning")
    LDAP = "ldap", _("LDAP directory")


# An erased person keeps their row (their kept words point at it), with nothing personal left:
# e-mail `erased-<id>@` this domain (reserved, never routable), names empty (ruche.privacy).
ERASED_DOMAIN = "erased.invalid"


class User(AbstractBaseUser, PermissionsMixin):
    """A colleague. Invited first (no usable password), activated when they set one."""

    email = models.EmailField(_("e-mail"), unique=True)
    handle = models.CharField(
        _("handle"),
        max_length=64,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9][a-z0-9._-]*$")],
        help_text=_("What follows @ to mention this person"),
    )
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("admin"), default=False)
    # The company's community animators: may create communities when creation is restricted.
    is_animator = models.BooleanField(_("community animator"), default=False)
    # Communications and executives: may publish announcements to a chosen audience.
    is_announcer = models.BooleanField(
        _("may publish announcements"),
        default=False,
        help_text=_("Communications and executives: announcements pinned in their audience's feed"),
    )
    # Internal communications, HR: may read the adoption analytics (aggregates only, docs/analytics.md).
    is_analyst = models.BooleanField(
        _("may read adoption analytics"),
        default=False,
        help_text=_("Internal communications, HR: the company's adoption figures, never one person's"),
    )
    date_joined = models.DateTimeField(default=timezone.now)
    invited_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    activated_at = models.DateTimeField(null=True, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # Who keeps this person's record: Ruche itself (invited here), or a directory that creates,
    # updates and deactivates them (SCIM, LDAP, a single sign-on's first sign-in). A directory
    # deactivates only the people it keeps.
    source = models.CharField(_("kept by"), max_length=8, choices=Source.choices, default=Source.LOCAL)
    # The person's id in that directory (SCIM externalId, LDAP entryUUID, OpenID Connect subject).
    directory_id = models.CharField(max_length=255, blank=True, db_index=True)
    # An integration's account (ruche.integrations): it posts what a business tool sends, under the
    # integration's name and icon. It never signs in, and no list of people shows it (PEOPLE).
    is_bot = models.BooleanField(_("integration"), default=False, editable=False)
    last_seen_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Denormalised so that the feed knows, without counting, whose posts to pull at read time.
    follower_count = models.PositiveIntegerField(default=0)
    feed_built_at = models.DateTimeField(null=True, blank=True)
    # Posts with ids up to this one were trimmed from the feed: they are pulled when reached.
    feed_horizon = models.BigIntegerField(null=True, blank=True)
    # The home feed's last filter and order (ruche/feed/choices.py), kept for the next visit.
    feed_filter = models.CharField(max_length=16, default="all")
    feed_order = models.CharField(max_length=16, default="recent")
    # "Unread since my last visit": the newest post seen in the feed (this visit), the newest seen by
    # the end of the previous one, and when the feed was last opened (a gap starts a new visit).
    feed_seen_up_to = models.BigIntegerField(default=0)
    feed_unread_after = models.BigIntegerField(default=0)
    feed_opened_at = models.DateTimeField(null=True, blank=True)
    # Folded name for accent- and case-insensitive search on every database ("elodie" finds "Élodie").
    search_text = models.CharField(max_length=300, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(Lower("last_name"), Lower("first_name"), name="user_name_idx")]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.first_name} {self.last_name} {self.handle}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"first_name", "last_name", "handle"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        if not name and self.is_erased:
            return str(_("a former colleague"))
        return name or self.email

    @property
    def is_erased(self) -> bool:
        return self.email.endswith("@" + ERASED_DOMAIN)

    @property
    def initials(self) -> str:
        return (self.first_name[:1] + self.last_name[:1]).upper() or "?"

    @property
    def is_former(self) -> bool:
        return self.deactivated_at is not None

    @property
    def activation_state(self) -> str:
        if self.deactivated_at:
            return "deactivated"
        return "activated" if self.activated_at else "invited"

    def get_absolute_url(self):
        from ruche.core.paths import path_for

        return path_for("accounts:profile", self.handle)


class Department(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")

    def __str__(self):
        return self.name


class Site(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")

    def __str__(self):
        return self.name


class Skill(models.Model):
    """A shared vocabulary: `Gestion de projet` and `gestion de projet` are one skill."""

    name = models.CharField(_("name"), max_length=60)
    key = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.key = fold(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The skill page; quoted as reverse() would, without resolving it for every chip of a page."""
        from urllib.parse import quote

        from ruche.core.paths import path_for

        return path_for("accounts:skill", quote(self.key, safe="!$&'()*+,;=/~:@"))


def photo_path(profile, filename):
    return unguessable_name(f"photos/{profile.user_id}", filename)


class Profile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="profile")
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="profiles",
        verbose_name=_("department"),
    )  # fmt: skip
    site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="profiles",
        verbose_name=_("site"),
    )
    manager = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        verbose_name=_("manager"),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    bio = models.TextField(_("about me"), max_length=2000, blank=True)
    ask_me_about = models.CharField(_("ask me about"), max_length=200, blank=True)
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    photo = models.ImageField(_("photo"), upload_to=photo_path, blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="profiles", verbose_name=_("skills"))

    class Meta:
        verbose_name = _("profile")

    def __str__(self):
        return str(self.user)


class Follow(models.Model):
    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="following_set")
    followed = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follower_set")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="follow_once"),
            models.CheckConstraint(condition=~models.Q(follower=models.F("followed")), name="no_self_follow"),
        ]
        indexes = [models.Index(fields=["followed", "follower"])]


class ProfileSettings(models.Model):
    """Company-wide rules for profiles, one row, edited by admins: which fields are mandatory.

    A person missing a mandatory field is taken to the onboarding page before anything else.
    Read on every request: `current()` is cached, and saved settings replace the cached copy.
    """

    require_photo = models.BooleanField(_("photo"), default=False)
    require_job_title = models.BooleanField(_("job title"), default=False)
    require_department = models.BooleanField(_("department"), default=False)
    require_site = models.BooleanField(_("site"), default=False)
    require_manager = models.BooleanField(_("manager"), default=False)
    require_skills = models.BooleanField(_("at least 3 skills"), default=False)
    require_bio = models.BooleanField(_("about me"), default=False)
    # Bumped on every change: a session that passed the check for an older version is checked again.
    version = models.PositiveIntegerField(default=0, editable=False)

    CACHE_KEY = "accounts:profile-settings"

    class Meta:
        verbose_name = _("profile settings")

    @classmethod
    def current(cls) -> "ProfileSettings":
        from ruche.core.singletons import cached_row

        return cached_row(cls, cls.CACHE_KEY)

    @property
    def mandatory(self) -> list[str]:
        """The keys of the mandatory items, in the order of `ruche.accounts.completeness.ITEMS`."""
        from ruche.accounts.completeness import ITEM_KEYS

        return [key for key in ITEM_KEYS if getattr(self, f"require_{key}")]


class DirectorySettings(models.Model):
    """How Ruche plugs into the company's directory, one row, edited by administrators in Ruche's
    own pages. Secrets (client secrets, bind passwords) stay in the environment, never here."""

    class GroupsAs(models.TextChoices):
        DEPARTMENTS = "departments", _("departments")
        COMMUNITIES = "communities", _("communities")

    sso_provision_unknown = models.BooleanField(
        _("create an account at a first single sign-on"),
        default=False,
        help_text=_("Otherwise someone unknown to Ruche is refused until invited or provisioned"),
    )
    scim_groups_as = models.CharField(
        _("SCIM groups are"), max_length=16, choices=GroupsAs.choices, default=GroupsAs.DEPARTMENTS
    )
    erasure_keeps_contributions = models.BooleanField(
        _("an erased person's posts stay, signed by a former colleague"),
        default=True,
        help_text=_("Otherwise their posts, replies and ideas are deleted with them"),
    )

    CACHE_KEY = "accounts:directory-settings"

    class Meta:
        verbose_name = _("directory settings")

    @classmethod
    def current(cls) -> "DirectorySettings":
        from ruche.core.singletons import cached_row

        return cached_row(cls, cls.CACHE_KEY)


class SignIn(models.Model):
    """One successful sign-in: shown to the person, kept RUCHE_RETENTION_SIGNINS_DAYS."""

    class Method(models.TextChoices):
        PASSWORD = "password", _("password")
        OIDC = "oidc", _("OpenID Connect")
        SAML = "saml", _("SAML")
        TOKEN = "token", _("link or token")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signins")
    at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=8, choices=Method.choices, default=Method.PASSWORD)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-at"]), models.Index(fields=["at"])]


class AdminLogEntry(models.Model):
    """What administrators did to people and the organisation (roles, departments, sites, directory
    settings, deactivations, erasures, SCIM tokens): shown on the administration pages."""

    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=40)
    # Who or what it was done to, as it was named then: an erased person's row is gone.
    target = models.CharField(max_length=200, blank=True)
    target_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    detail = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
