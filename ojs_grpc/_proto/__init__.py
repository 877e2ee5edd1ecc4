"""Generated protobuf and gRPC modules (private; regenerate with scripts/gen_proto.py)."""
