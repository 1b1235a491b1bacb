from django import template

from ruche.core.markdown import excerpt as markdown_excerpt

register = template.Library()


@register.filter
def excerpt(body_html: str, length: int = 160) -> str:
    """`{{ post.body_html|excerpt:120 }}`: the plain words of a post, cut at a word."""
    return markdown_excerpt(body_html or "", int(length))
