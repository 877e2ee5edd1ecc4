/**
 * Generated gRPC stubs for Node: `ojs.v1` (the OJS wire contract, `ojs.v1.OJSServiceClient`)
 * and `ojsgrpc.worker.v1` (ojs-grpc's worker-stream extension).
 *
 * `grpc` is the very @grpc/grpc-js these clients are built on: create credentials and
 * metadata from it, because grpc-js refuses credentials made by another copy of itself.
 */
export * from "./proto/index";
export * as grpc from "@grpc/grpc-js";

/** gRPC metadata key carrying the attempt a worker holds on Ack, Nack and Heartbeat. */
export const LEASE_TOKEN_METADATA_KEY = "x-ojs-lease-token";
