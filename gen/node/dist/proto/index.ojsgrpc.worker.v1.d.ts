export * from "./ojsgrpc/worker/v1/worker_stream";
