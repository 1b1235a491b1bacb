"""Locators the browser tests share."""

from playwright.sync_api import Page

from ruche.posts.models import Post


def card(page: Page, post: Post):
    return page.locator(f"article.post#post-{post.pk}")


def badge(page: Page):
    return page.get_by_test_id("unread-badge")
