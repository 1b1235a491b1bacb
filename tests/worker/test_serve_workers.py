"""How many task workers `manage.py serve` starts (docs/performance.md, "Keeping up")."""

from ruche.core.management.commands import serve


def test_the_setting_wins(settings):
    settings.TASK_WORKERS = 7
    assert serve.default_task_workers() == 7


def test_four_on_sqlite_whatever_the_cores(settings, monkeypatch):
    settings.TASK_WORKERS = 0
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.sqlite3")
    for cores in (1, 2, 16):
        monkeypatch.setattr(serve.os, "cpu_count", lambda cores=cores: cores)
        assert serve.default_task_workers() == 4


def test_one_per_core_and_at_least_four_on_postgresql(settings, monkeypatch):
    settings.TASK_WORKERS = 0
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")
    for cores, workers in ((1, 4), (2, 4), (8, 8), (None, 4)):
        monkeypatch.setattr(serve.os, "cpu_count", lambda cores=cores: cores)
        assert serve.default_task_workers() == workers
