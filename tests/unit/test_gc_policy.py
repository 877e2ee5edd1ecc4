"""The server processes' collector settings (run in a fresh interpreter: they are global)."""

from __future__ import annotations

import json
import subprocess
import sys

from ojs_grpc.gc_policy import OLDER_EVERY, YOUNG_THRESHOLD

PROBE = """
import gc, json
from ojs_grpc.gc_policy import tune_for_server
before = gc.get_freeze_count()
tune_for_server()
print(json.dumps({"threshold": gc.get_threshold(), "frozen": gc.get_freeze_count() - before}))
"""


def test_a_server_process_freezes_its_start_up_and_collects_young_objects_less_often() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    probe = json.loads(out)
    assert probe["threshold"] == [YOUNG_THRESHOLD, *OLDER_EVERY]
    assert probe["frozen"] > 1000  # the modules and descriptors loaded so far
