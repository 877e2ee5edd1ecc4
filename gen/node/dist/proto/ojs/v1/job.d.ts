import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { Duration } from "../../google/protobuf/duration";
/** The eight lifecycle states of a job. Servers never report UNSPECIFIED. */
export declare enum JobState {
    JOB_STATE_UNSPECIFIED = 0,
    JOB_STATE_SCHEDULED = 1,
    JOB_STATE_AVAILABLE = 2,
    JOB_STATE_PENDING = 3,
    JOB_STATE_ACTIVE = 4,
    JOB_STATE_COMPLETED = 5,
    JOB_STATE_RETRYABLE = 6,
    JOB_STATE_CANCELLED = 7,
    JOB_STATE_DISCARDED = 8,
    UNRECOGNIZED = -1
}
export declare function jobStateFromJSON(object: any): JobState;
export declare function jobStateToJSON(object: JobState): string;
/**
 * What to do when an enqueue collides with an existing unique job.
 * UNSPECIFIED is read as REJECT.
 */
export declare enum UniqueConflictAction {
    UNIQUE_CONFLICT_ACTION_UNSPECIFIED = 0,
    UNIQUE_CONFLICT_ACTION_REJECT = 1,
    UNIQUE_CONFLICT_ACTION_REPLACE = 2,
    UNIQUE_CONFLICT_ACTION_IGNORE = 3,
    UNIQUE_CONFLICT_ACTION_REPLACE_EXCEPT_SCHEDULE = 4,
    UNRECOGNIZED = -1
}
export declare function uniqueConflictActionFromJSON(object: any): UniqueConflictAction;
export declare function uniqueConflictActionToJSON(object: UniqueConflictAction): string;
/** A job as stored by the server. */
export interface Job {
    /** Server-assigned job identifier. */
    id: string;
    /** Dotted job type that selects the handler. */
    type: string;
    /** Queue the job lives in. */
    queue: string;
    /** Positional handler arguments, typed as in JSON. */
    args: any[];
    /** Free-form metadata (also carries trace context). */
    meta: {
        [key: string]: any;
    } | undefined;
    /** Current lifecycle state. */
    state: JobState;
    /** Higher values are fetched first. */
    priority: number;
    /** Number of times the job has been started. */
    attempt: number;
    /** Upper bound on attempts. */
    maxAttempts: number;
    /** Effective retry policy. */
    retryPolicy: RetryPolicy | undefined;
    /** Uniqueness policy the job was enqueued with, if any. */
    uniquePolicy: UniquePolicy | undefined;
    /** Handler result once completed; unset otherwise. */
    result: {
        [key: string]: any;
    } | undefined;
    /** Error history, oldest first. */
    errors: JobError[];
    createdAt: Date | undefined;
    enqueuedAt: Date | undefined;
    scheduledAt: Date | undefined;
    startedAt: Date | undefined;
    completedAt: Date | undefined;
    /** After this instant the job is no longer run. */
    expiresAt: Date | undefined;
    /** Execution timeout of one attempt. */
    timeout: Duration | undefined;
    /** How long a fetched job stays reserved without a heartbeat. */
    visibilityTimeout: Duration | undefined;
    tags: string[];
    traceId: string;
    /** Workflow the job belongs to, if any. */
    workflowId: string;
    /** OJS spec version of the job envelope. */
    specversion: string;
}
/** How failed attempts are retried. Zero values take the server defaults. */
export interface RetryPolicy {
    /** Total attempts including the first; 0 means "not given". */
    maxAttempts: number;
    /** First backoff delay (default 1 s). */
    initialInterval: Duration | undefined;
    /** Backoff growth factor (default 2.0). */
    backoffCoefficient: number;
    /** Cap on a single backoff delay (default 5 min). */
    maxInterval: Duration | undefined;
    /** Randomize backoff delays (read literally whenever the policy is present). */
    jitter: boolean;
    /** Error codes that skip retrying. */
    nonRetryableErrors: string[];
    /** "discard" (default when empty) or "dead_letter" once attempts run out. */
    onExhaustion: string;
}
/** Rules that make a job unique among live jobs. */
export interface UniquePolicy {
    /** Job attributes forming the uniqueness key (default: the type). */
    key: string[];
    /** Window during which duplicates are detected; unset means no window. */
    period: Duration | undefined;
    /** Reaction to a duplicate. */
    onConflict: UniqueConflictAction;
    /** States in which an existing job counts as a duplicate. */
    states: JobState[];
    /** Argument keys included in the key. */
    argsKeys: string[];
    /** Meta keys included in the key. */
    metaKeys: string[];
}
/** One entry of a job's error history. */
export interface JobError {
    code: string;
    message: string;
    /** Whether the failure may be retried (cannot be told apart from unset). */
    retryable: boolean;
    /** Attempt number that failed. */
    attempt: number;
    occurredAt: Date | undefined;
    backtrace: string;
    details: {
        [key: string]: any;
    } | undefined;
}
/** Optional settings for an enqueued job. */
export interface EnqueueOptions {
    /** Target queue ("default" when empty). */
    queue: string;
    priority: number;
    /** Do not run before this instant. */
    delayUntil: Date | undefined;
    timeout: Duration | undefined;
    retry: RetryPolicy | undefined;
    unique: UniquePolicy | undefined;
    /** Time to live from enqueue until expiry. */
    ttl: Duration | undefined;
    tags: string[];
    traceId: string;
    meta: {
        [key: string]: any;
    } | undefined;
    /** 0 means "not given"; a non-zero retry.max_attempts takes precedence. */
    maxAttempts: number;
    visibilityTimeout: Duration | undefined;
}
/** Request to enqueue one job. */
export interface EnqueueRequest {
    type: string;
    args: any[];
    options: EnqueueOptions | undefined;
}
/** The enqueued (or, for unique hits, the existing) job. */
export interface EnqueueResponse {
    job: Job | undefined;
}
/** Request to enqueue several jobs at once. */
export interface EnqueueBatchRequest {
    jobs: BatchJobEntry[];
    /** Options applied to entries that bring none of their own. */
    defaultOptions: EnqueueOptions | undefined;
}
/** One job of a batch. */
export interface BatchJobEntry {
    type: string;
    args: any[];
    options: EnqueueOptions | undefined;
}
/** Outcome of a batch enqueue. */
export interface EnqueueBatchResponse {
    jobs: Job[];
    count: number;
    /**
     * Per-entry failures keyed by request index (only for backends that cannot enqueue
     * the batch atomically).
     */
    errors: {
        [key: number]: BatchJobError;
    };
}
export interface EnqueueBatchResponse_ErrorsEntry {
    key: number;
    value: BatchJobError | undefined;
}
/** Why one batch entry failed. */
export interface BatchJobError {
    code: string;
    message: string;
}
export interface GetJobRequest {
    jobId: string;
}
export interface GetJobResponse {
    job: Job | undefined;
}
export interface CancelJobRequest {
    jobId: string;
    /** Human-readable reason, kept for diagnostics. */
    reason: string;
}
export interface CancelJobResponse {
    job: Job | undefined;
}
export declare const Job: MessageFns<Job>;
export declare const RetryPolicy: MessageFns<RetryPolicy>;
export declare const UniquePolicy: MessageFns<UniquePolicy>;
export declare const JobError: MessageFns<JobError>;
export declare const EnqueueOptions: MessageFns<EnqueueOptions>;
export declare const EnqueueRequest: MessageFns<EnqueueRequest>;
export declare const EnqueueResponse: MessageFns<EnqueueResponse>;
export declare const EnqueueBatchRequest: MessageFns<EnqueueBatchRequest>;
export declare const BatchJobEntry: MessageFns<BatchJobEntry>;
export declare const EnqueueBatchResponse: MessageFns<EnqueueBatchResponse>;
export declare const EnqueueBatchResponse_ErrorsEntry: MessageFns<EnqueueBatchResponse_ErrorsEntry>;
export declare const BatchJobError: MessageFns<BatchJobError>;
export declare const GetJobRequest: MessageFns<GetJobRequest>;
export declare const GetJobResponse: MessageFns<GetJobResponse>;
export declare const CancelJobRequest: MessageFns<CancelJobRequest>;
export declare const CancelJobResponse: MessageFns<CancelJobResponse>;
type Builtin = Date | Function | Uint8Array | string | number | boolean | undefined;
type DeepPartial<T> = T extends Builtin ? T : T extends globalThis.Array<infer U> ? globalThis.Array<DeepPartial<U>> : T extends ReadonlyArray<infer U> ? ReadonlyArray<DeepPartial<U>> : T extends {} ? {
    [K in keyof T]?: DeepPartial<T[K]>;
} : Partial<T>;
interface MessageFns<T> {
    encode(message: T, writer?: BinaryWriter): BinaryWriter;
    decode(input: BinaryReader | Uint8Array, length?: number): T;
    fromJSON(object: any): T;
    toJSON(message: T): unknown;
    create(base?: DeepPartial<T>): T;
    fromPartial(object: DeepPartial<T>): T;
}
export {};
