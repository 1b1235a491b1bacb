"""An index for a hashtag's newest posts: the tag, then its posts' ids. The home feed reads a widely
followed tag's newest posts from it (ruche/feed/selectors.py `_pulled_ids`); with the tag alone
indexed, SQLite either sorted every post of the tag or walked every top-level post down to find a
small tag's (4 ms for a window of 120 of a 300-post tag; docs/performance.md, fifth pass). The
table is the one Django makes for `Post.hashtags`, which has no Meta to declare it in."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("posts", "0009_post_top_level_alive")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX post_hashtag_newest ON posts_post_hashtags (hashtag_id, post_id)",
            reverse_sql="DROP INDEX post_hashtag_newest",
        ),
    ]
