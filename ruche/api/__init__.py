"""The JSON API (django-ninja): one router per resource, the same services and selectors as the HTML views."""
