"""Ruche's own date formats by language (settings.FORMAT_MODULE_PATH); a missing name falls back
to Django's formats for the language."""
