#!/usr/bin/env node
/**
 * ojs-node-worker: consumes queues of an OJS server with the interop handlers.
 *
 *   node dist/main.js --queue interop [--url localhost:9090] [--concurrency 4]
 *
 * --queue takes a comma-separated list; OJS_URL and OJS_QUEUE stand in for --url and
 * --queue. SIGTERM or SIGINT: stop taking work, finish the running jobs (within --grace
 * seconds), exit 0.
 */
import { hostname } from "node:os";
import { parseArgs } from "node:util";

import { JobFailure, Worker } from "./worker";

const LANG = "node";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: process.env.OJS_URL ?? "localhost:9090" },
    queue: { type: "string", default: process.env.OJS_QUEUE ?? "default" },
    "worker-id": { type: "string", default: `${LANG}-${hostname()}-${process.pid}` },
    concurrency: { type: "string", default: "4" },
    "heartbeat-interval": { type: "string", default: "1" },
    "poll-interval": { type: "string", default: "0.5" },
    grace: { type: "string", default: "30" },
  },
});

function seconds(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`--${name} must be a positive number, got ${value}`);
  return n * 1000;
}

const workerId = values["worker-id"];
const worker = new Worker({
  target: values.url.replace(/^grpc:\/\//, ""),
  queues: values.queue.split(","),
  workerId,
  concurrency: Math.max(1, Math.floor(Number(values.concurrency)) || 1),
  heartbeatIntervalMs: seconds("heartbeat-interval", values["heartbeat-interval"]),
  pollIntervalMs: seconds("poll-interval", values["poll-interval"]),
  graceMs: seconds("grace", values.grace),
  errorDetails: { lang: LANG },
  log: (message) => console.error(`ojs-node-worker ${workerId}: ${message}`),
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

worker
  .register("interop.echo", async (job) => ({ echo: job.args, lang: LANG }))
  .register("interop.fail", async (job) => {
    throw new JobFailure(
      `interop.fail: the ${LANG} worker failed attempt ${job.attempt} on purpose`,
    );
  })
  // The worker heartbeats the job while this sleeps, so a lease shorter than the sleep holds.
  .register("interop.slow", async (job) => {
    const secs = Number(job.args[0] ?? 1);
    await sleep(secs * 1000);
    return { slept: secs, lang: LANG };
  });

for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => worker.stop());

worker.run().then(
  (drained) => process.exit(drained ? 0 : 1),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
