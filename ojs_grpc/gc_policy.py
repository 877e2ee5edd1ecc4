"""The garbage-collector settings of our own long-running processes (the gateway and
each worker-runtime process); never applied to a process that merely imports the client.

CPython runs a young collection every 700 container allocations by default. A busy
gateway allocates that many in a fraction of one batch (a dict, a Job and a message per
job), so it collected several times per batch, each pass also walking the survivors
promoted from earlier ones; reference counting frees these objects anyway, the collector
is only needed for cycles. A young generation of 50,000 collects once in a few batches
(a few MB at most), and freezing what start-up loaded (modules, protobuf descriptors,
settings) keeps it out of every later full collection. Measured on 2 cores: batch enqueue
needs ~13% less gateway CPU.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000
# How many young (then middle) collections run before the next older one.
OLDER_EVERY = (20, 100)


def tune_for_server() -> None:
    """Freeze what is loaded now and collect the young generation less often. Call once,
    at the end of a server process's start-up."""
    gc.collect()  # what start-up left as garbage is not worth freezing
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_EVERY)
