"""A web process freezes the loaded site out of the garbage collector's walks and collects less often."""

import gc
import importlib
import sys

import pytest


@pytest.fixture
def collector():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.parametrize("entry", ["config.asgi", "config.wsgi"])
def test_each_entry_point_settles_its_process(collector, settings, entry):
    settings.GC_THRESHOLD = 12_345
    gc.unfreeze()
    gc.set_threshold(2_000, 10, 10)
    sys.modules.pop(entry, None)
    importlib.import_module(entry)
    assert gc.get_threshold() == (12_345, 10, 10)
    assert gc.get_freeze_count() > 10_000  # the site's modules, patterns and settings
