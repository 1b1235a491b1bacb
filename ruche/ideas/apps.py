from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ruche.ideas"
    label = "ideas"
    verbose_name = _("Ideas")

    def ready(self):
        from ruche.ideas.digest import campaigns_closing
        from ruche.notifications.digest import Section, register_section
        from ruche.notifications.models import Notification
        from ruche.notifications.preferences import register_kind

        Kind = Notification.Kind
        # E-mailed at once: the decisions on one's ideas, and what asks something of the person.
        register_kind(Kind.IDEA_MOVED, Kind.IDEA_MOVED.label, email=True)
        register_kind(Kind.IDEA_COAUTHOR, Kind.IDEA_COAUTHOR.label, email=True)
        register_kind(Kind.IDEA_REVIEW, Kind.IDEA_REVIEW.label, email=True)
        register_kind(Kind.IDEA_MERGED, Kind.IDEA_MERGED.label)
        # Told to a whole population: in the app and the digest, not one e-mail to each.
        register_kind(Kind.CAMPAIGN_OPENED, Kind.CAMPAIGN_OPENED.label)
        register_kind(Kind.CAMPAIGN_CLOSING, Kind.CAMPAIGN_CLOSING.label)
        register_section(Section("campaigns_closing", campaigns_closing))

        from ruche.core.media import register_media
        from ruche.ideas.policies import can_see_cover

        register_media("campaigns", can_see_cover)

        # The campaign rule inside the one visibility policy (ruche/posts/policies.py).
        from ruche.ideas import policies
        from ruche.posts.policies import campaign_readers, campaigns_visible_to

        campaigns_visible_to.provide(policies.visible_campaign_ids)
        campaign_readers.provide(policies.campaign_viewers)
