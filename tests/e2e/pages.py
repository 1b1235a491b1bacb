"""Locators the browser tests share."""

from playwright.sync_api import Locator, Page

from ruche.posts.models import Post


def card(page: Page, post: Post):
    return page.locator(f"article.post#post-{post.pk}")


def badge(page: Page):
    return page.get_by_test_id("unread-badge")


def loaded_width(image: Locator) -> int:
    """The natural width of an image once the browser has finished fetching it (0 if it failed):
    reading it at once races the download."""
    return image.evaluate(
        """img => img.complete ? img.naturalWidth : new Promise(done => {
            img.addEventListener("load", () => done(img.naturalWidth), {once: true});
            img.addEventListener("error", () => done(0), {once: true});
        })"""
    )
