"""What the home page shows beyond the feed, watched by the feed's stamps (ruche/feed/stamps.py), so
that a kept home page (ruche/feed/memo.py) is drawn again when it changes: the reader's pinned
announcements and profile skills (the completeness meter), the shared announcements, campaigns and
the company's rules for profiles and files (the composer). The notifications' badge is kept with
the page while its signature holds (read with the stamps: ruche/web/views.py)."""

from ruche.feed.stamps import READER, SHARED, Watch

PAGE = (
    Watch("announcements_receipt", READER, "user_id"),
    Watch("accounts_profile_skills", READER, "profile_id"),
    Watch("announcements_announcement", SHARED, None),
    Watch("ideas_campaign", SHARED, None),
    Watch("ideas_campaign_managers", SHARED, None),
    Watch("accounts_profilesettings", SHARED, None),
    Watch("files_filesettings", SHARED, None),
)
