"""Benchmarks of ojs-grpc (see bench/README.md); run by hand, never by the test suite."""
