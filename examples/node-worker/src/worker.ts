/**
 * A small OJS worker on the standard ojs.v1 RPCs: jobs arrive through StreamJobs (or
 * Fetch polling when the server answers UNIMPLEMENTED), every running job is
 * heartbeated, and its outcome goes back as Ack (result) or Nack (structured error).
 */
import { grpc, LEASE_TOKEN_METADATA_KEY, ojs } from "@ojs-grpc/proto";

const {
  AckRequest,
  FetchRequest,
  HeartbeatRequest,
  NackRequest,
  OJSServiceClient,
  StreamJobsRequest,
} = ojs.v1;

export type Job = ojs.v1.Job;
/** A job result: any JSON object (a google.protobuf.Struct on the wire). */
export type JobResult = { [key: string]: unknown };
/** Runs one job; the returned object is acked as its result, a thrown error is a Nack. */
export type Handler = (job: Job) => Promise<JobResult | undefined>;

/**
 * Throw this from a handler to choose the Nack's error code (the name a retry policy's
 * non_retryable_errors match), retryability and details. Any other thrown error is
 * nacked as code "handler_error" with its class in details.error_class.
 */
export class JobFailure extends Error {
  constructor(
    message: string,
    readonly code = "handler_error",
    readonly retryable = true,
    readonly details: JobResult = {},
  ) {
    super(message);
    this.name = "JobFailure";
  }
}

export interface WorkerOptions {
  /** gRPC target, `host:port`. */
  target: string;
  queues: string[];
  workerId: string;
  /** Jobs run at once (StreamJobs max_concurrent, Fetch count). */
  concurrency: number;
  /** Longest gap between two heartbeats of a running job; a third of its lease if shorter. */
  heartbeatIntervalMs: number;
  /** How long an empty Fetch waits before the next one (polling fallback only). */
  pollIntervalMs: number;
  /** How long stop() waits for running jobs. */
  graceMs: number;
  /** Added to the details of every Nack (e.g. the worker's language). */
  errorDetails: JobResult;
  log: (message: string) => void;
}

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: Partial<grpc.CallOptions>,
  callback: (error: grpc.ServiceError | null, response: Res) => void,
) => grpc.ClientUnaryCall;

const RPC_DEADLINE_MS = 10_000;
// Heartbeat pace for a job that states no lease (servers always send one; OJS's default is 30 min).
const DEFAULT_LEASE_MS = 30_000;
// Transient failures of Ack / Nack are retried: losing them costs a whole redelivery.
const SETTLE_ATTEMPTS = 3;
const TRANSIENT = new Set([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function leaseMs(job: Job): number {
  const d = job.visibilityTimeout;
  const ms = d ? d.seconds * 1000 + Math.floor(d.nanos / 1e6) : 0;
  return ms > 0 ? ms : DEFAULT_LEASE_MS;
}

function leaseToken(job: Job): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set(LEASE_TOKEN_METADATA_KEY, String(job.attempt));
  return metadata;
}

/** Consumes queues until stop(); run() resolves once running jobs are finished. */
export class Worker {
  private readonly client: InstanceType<typeof OJSServiceClient>;
  private readonly handlers = new Map<string, Handler>();
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;
  private stream: grpc.ClientReadableStream<Job> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: WorkerOptions) {
    this.client = new OJSServiceClient(options.target, grpc.credentials.createInsecure());
  }

  /** Routes jobs of `type` to `handler`; jobs of unknown types are nacked. */
  register(type: string, handler: Handler): this {
    this.handlers.set(type, handler);
    return this;
  }

  /** Takes work until stop(); returns true when every running job finished within the grace. */
  async run(): Promise<boolean> {
    let streaming = true;
    let backoffMs = 250;
    while (!this.stopping) {
      if (!streaming) {
        await this.pollOnce();
        continue;
      }
      const outcome = await this.consumeStream(() => (backoffMs = 250));
      if (outcome === grpc.status.UNIMPLEMENTED) {
        this.options.log("StreamJobs is not implemented by the server: polling Fetch");
        streaming = false;
      } else if (!this.stopping) {
        this.options.log(
          `job stream ended (${grpc.status[outcome]}), reconnecting in ${backoffMs} ms`,
        );
        await this.pause(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
    const drained = await this.drain();
    this.client.close();
    return drained;
  }

  /** Stops taking work; jobs already received run to the end. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.options.log(`stopping: ${this.running.size} job(s) running`);
    this.stream?.cancel();
    this.wake?.();
  }

  /** One StreamJobs call; resolves with its final status code. */
  private consumeStream(onSubscribed: () => void): Promise<grpc.status> {
    const { queues, workerId, concurrency } = this.options;
    return new Promise((resolve) => {
      const call = this.client.streamJobs(
        StreamJobsRequest.fromPartial({ queues, workerId, maxConcurrent: concurrency }),
      );
      this.stream = call;
      // The server sends response headers once the stream is subscribed.
      call.on("metadata", () => {
        onSubscribed();
        this.options.log(`streaming jobs from ${queues.join(",")} (max ${concurrency} at once)`);
      });
      // A job pushed after stop() is already ours: run it rather than leave it to its lease.
      call.on("data", (job: Job) => this.start(job));
      call.on("error", (error: grpc.ServiceError) => resolve(error.code));
      call.on("end", () => resolve(grpc.status.OK));
    });
  }

  private async pollOnce(): Promise<void> {
    const free = this.options.concurrency - this.running.size;
    if (free <= 0) {
      await Promise.race(this.running.values());
      return;
    }
    const { queues, workerId } = this.options;
    let jobs: Job[] = [];
    try {
      const request = FetchRequest.fromPartial({ queues, workerId, count: free });
      jobs = (await this.call(this.client.fetch, request, new grpc.Metadata())).jobs;
    } catch (error) {
      this.options.log(`fetch failed: ${(error as Error).message}`);
    }
    for (const job of jobs) this.start(job);
    if (jobs.length === 0) await this.pause(this.options.pollIntervalMs);
  }

  private start(job: Job): void {
    const done = this.execute(job).finally(() => this.running.delete(job.id));
    this.running.set(job.id, done);
  }

  private async execute(job: Job): Promise<void> {
    // The beat in flight, if any: settling waits for it, so a late heartbeat never
    // reaches the server after the job's Ack or Nack.
    let inFlight: Promise<void> = Promise.resolve();
    const beat = setInterval(
      () => {
        inFlight = this.heartbeat(job);
      },
      Math.min(this.options.heartbeatIntervalMs, leaseMs(job) / 3),
    );
    const stopBeats = async (): Promise<void> => {
      clearInterval(beat);
      await inFlight;
    };
    try {
      const handler = this.handlers.get(job.type);
      if (handler === undefined)
        throw new JobFailure(`no handler for job type ${job.type}`, "unknown_type", false);
      const result = await handler(job);
      await stopBeats();
      const request = AckRequest.fromPartial({ jobId: job.id, result: result ?? {} });
      await this.settle(job, "ack", () => this.call(this.client.ack, request, leaseToken(job)));
    } catch (error) {
      await stopBeats();
      const request = NackRequest.fromPartial({ jobId: job.id, error: this.jobError(error) });
      await this.settle(job, "nack", () => this.call(this.client.nack, request, leaseToken(job)));
    }
  }

  private jobError(error: unknown): ojs.v1.JobError {
    const details = { ...this.options.errorDetails };
    if (error instanceof JobFailure) {
      const { code, message, retryable, stack } = error;
      return ojs.v1.JobError.fromPartial({
        code,
        message,
        retryable,
        backtrace: stack ?? "",
        details: { ...details, ...error.details },
      });
    }
    const err = error instanceof Error ? error : new Error(String(error));
    // The server files an error under details.error_class when present: that is the name
    // a retry policy's non_retryable_errors match.
    return ojs.v1.JobError.fromPartial({
      code: "handler_error",
      message: err.message || err.name,
      retryable: true,
      backtrace: err.stack ?? "",
      details: { ...details, error_class: err.name },
    });
  }

  private async heartbeat(job: Job): Promise<void> {
    const request = HeartbeatRequest.fromPartial({ id: job.id, workerId: this.options.workerId });
    try {
      await this.call(this.client.heartbeat, request, leaseToken(job));
    } catch (error) {
      // FAILED_PRECONDITION: the lease was lost and the job redelivered; our Ack will be refused.
      this.options.log(`heartbeat of ${job.id} failed: ${(error as Error).message}`);
    }
  }

  /** Sends an Ack or Nack, retrying transient failures. */
  private async settle(job: Job, verb: string, send: () => Promise<unknown>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await send();
        this.options.log(`${verb} ${job.type} ${job.id} (attempt ${job.attempt})`);
        return;
      } catch (error) {
        const code = (error as grpc.ServiceError).code;
        if (!TRANSIENT.has(code) || attempt >= SETTLE_ATTEMPTS) {
          this.options.log(`${verb} of ${job.id} failed: ${(error as Error).message}`);
          return;
        }
        await sleep(200 * attempt);
      }
    }
  }

  private call<Req, Res>(
    method: UnaryMethod<Req, Res>,
    request: Req,
    metadata: grpc.Metadata,
  ): Promise<Res> {
    return new Promise((resolve, reject) => {
      method.call(
        this.client,
        request,
        metadata,
        { deadline: Date.now() + RPC_DEADLINE_MS },
        (error, response) => (error ? reject(error) : resolve(response)),
      );
    });
  }

  /** Sleeps up to `ms`; stop() wakes it early. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async drain(): Promise<boolean> {
    if (this.running.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>(
      (resolve) => (timer = setTimeout(() => resolve(false), this.options.graceMs)),
    );
    const finished = Promise.allSettled(this.running.values()).then(() => true as const);
    const drained = await Promise.race([finished, expired]);
    clearTimeout(timer);
    if (!drained)
      this.options.log(
        `grace expired with ${this.running.size} job(s) running; their leases will return them`,
      );
    return drained;
  }
}
