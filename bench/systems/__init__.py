"""One module per benchmarked system: the no-op task its workers run and its producer API.

Each is imported both by the producer agent (bench/agent.py: ``enqueue(ts)``, optional
``enqueue_bulk(count)``, ``setup()``) and by that system's own worker command; both read
their Redis URL, record file and gateway addresses from the environment (bench/common.py).
"""
