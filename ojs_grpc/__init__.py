"""ojs-grpc: an Open Job Spec job server (gRPC + HTTP) on Redis or an embedded store."""

__version__ = "0.1.0"
