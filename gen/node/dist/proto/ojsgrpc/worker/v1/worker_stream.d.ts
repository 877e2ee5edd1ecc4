import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { type CallOptions, type ChannelCredentials, Client, type ClientDuplexStream, type ClientOptions, type handleBidiStreamingCall, type Metadata, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { Duration } from "../../../google/protobuf/duration";
import { Job, JobError, JobState } from "../../../ojs/v1/job";
import { WorkerState } from "../../../ojs/v1/worker";
export declare enum SettleStatus {
    SETTLE_STATUS_UNSPECIFIED = 0,
    SETTLE_STATUS_OK = 1,
    /**
     * SETTLE_STATUS_STALE - The lease token belongs to another attempt (the lease expired and the job was
     * redelivered): nothing changed.
     */
    SETTLE_STATUS_STALE = 2,
    SETTLE_STATUS_NOT_FOUND = 3,
    /** SETTLE_STATUS_CONFLICT - The job is not active (cancelled, already settled): nothing changed. */
    SETTLE_STATUS_CONFLICT = 4,
    SETTLE_STATUS_INVALID = 5,
    UNRECOGNIZED = -1
}
export declare function settleStatusFromJSON(object: any): SettleStatus;
export declare function settleStatusToJSON(object: SettleStatus): string;
export declare enum CancelReason {
    CANCEL_REASON_UNSPECIFIED = 0,
    CANCEL_REASON_CANCELLED = 1,
    CANCEL_REASON_LEASE_LOST = 2,
    UNRECOGNIZED = -1
}
export declare function cancelReasonFromJSON(object: any): CancelReason;
export declare function cancelReasonToJSON(object: CancelReason): string;
/** Worker -> gateway. Any combination of parts; `hello` only in the first message. */
export interface ConnectRequest {
    hello: Hello | undefined;
    /**
     * More jobs the worker is ready to take (added to its window). Every delivered
     * job uses one credit; settling a job does not give it back: the worker grants
     * credits again when it has free slots.
     */
    credits: number;
    acks: Ack[];
    nacks: Nack[];
    /** Extends every lease this session holds. */
    heartbeat: Heartbeat | undefined;
    progress: Progress[];
    /**
     * Jobs handed back without a result (unstarted, or interrupted by shutdown):
     * they are available again at once and the attempt is not counted as failed.
     */
    releases: Release[];
}
/** Gateway -> worker. Any combination of parts; `welcome` only in the first message. */
export interface ConnectResponse {
    welcome: Welcome | undefined;
    deliveries: Delivery[];
    /**
     * One result per ack, nack and release received, in the order they arrived
     * (within one request: its acks, then its nacks, then its releases).
     */
    results: SettleResult[];
    /** Running jobs the worker should stop: cancelled, or their lease was lost. */
    cancels: CancelRequest[];
    /**
     * QUIET: take no more work; TERMINATE: finish or hand back in-flight jobs and
     * close the stream. Unset means carry on.
     */
    directive: WorkerState;
    heartbeat: HeartbeatResult | undefined;
    /**
     * Set with TERMINATE when the gateway itself is shutting down (not this worker):
     * settle or hand back as for TERMINATE, then connect again (another replica takes
     * over) instead of exiting.
     */
    reconnect: boolean;
}
export interface Hello {
    /** Identifies the worker's leases across this session (required). */
    workerId: string;
    /** Queues to consume, in priority order (required). */
    queues: string[];
    hostname: string;
    pid: number;
    /** Job types the worker has handlers for (informational). */
    jobTypes: string[];
}
export interface Welcome {
    sessionId: string;
    /** The lease each delivered job starts with; heartbeat well within it. */
    leaseDuration: Duration | undefined;
    heartbeatInterval: Duration | undefined;
    serverVersion: string;
}
export interface Delivery {
    job: Job | undefined;
    /**
     * Fence for this attempt (the attempt number, as the x-ojs-lease-token metadata of
     * the unary RPCs): echo it on ack, nack, release and progress.
     */
    leaseToken: string;
    leaseDeadline: Date | undefined;
}
export interface Ack {
    jobId: string;
    leaseToken: string;
    result: any | undefined;
}
export interface Nack {
    jobId: string;
    leaseToken: string;
    error: JobError | undefined;
}
/**
 * A released attempt is not counted: the job's attempt number steps back, so its
 * next delivery carries the same lease token again; acks on the session are also
 * fenced by the worker id, so another worker's late ack is still refused.
 */
export interface Release {
    jobId: string;
    leaseToken: string;
}
export interface Heartbeat {
    /**
     * QUIET or TERMINATE: the worker takes no more work; the credit it had granted
     * lapses (it grants credits again if it resumes).
     */
    currentState: WorkerState;
    /** Requested extension; unset means the full lease duration (bounded by the gateway). */
    extendBy: Duration | undefined;
}
/**
 * Kept with the job (the latest report), emitted as a job.progress event, and
 * extends that job's lease like a heartbeat (by the session's last extend_by).
 */
export interface Progress {
    jobId: string;
    leaseToken: string;
    /** 0.0 to 1.0 when known. */
    fraction: number;
    message: string;
    data: {
        [key: string]: any;
    } | undefined;
}
/** The outcome of one ack or nack. */
export interface SettleResult {
    jobId: string;
    status: SettleStatus;
    /** The job's state after the call (or its current state when refused). */
    state: JobState;
    /** Set when a nacked job will be retried. */
    nextAttemptAt: Date | undefined;
    /** OJS error code and message when refused. */
    errorCode: string;
    errorMessage: string;
}
export interface CancelRequest {
    jobId: string;
    leaseToken: string;
    reason: CancelReason;
}
export interface HeartbeatResult {
    /** The new lease end of every job the session still holds. */
    newDeadline: Date | undefined;
    extended: number;
}
export declare const ConnectRequest: MessageFns<ConnectRequest>;
export declare const ConnectResponse: MessageFns<ConnectResponse>;
export declare const Hello: MessageFns<Hello>;
export declare const Welcome: MessageFns<Welcome>;
export declare const Delivery: MessageFns<Delivery>;
export declare const Ack: MessageFns<Ack>;
export declare const Nack: MessageFns<Nack>;
export declare const Release: MessageFns<Release>;
export declare const Heartbeat: MessageFns<Heartbeat>;
export declare const Progress: MessageFns<Progress>;
export declare const SettleResult: MessageFns<SettleResult>;
export declare const CancelRequest: MessageFns<CancelRequest>;
export declare const HeartbeatResult: MessageFns<HeartbeatResult>;
export type WorkerStreamServiceService = typeof WorkerStreamServiceService;
export declare const WorkerStreamServiceService: {
    /**
     * A worker session. The first request must carry `hello`; the first response
     * carries `welcome`. Either side may batch several parts into one message.
     */
    readonly connect: {
        readonly path: "/ojsgrpc.worker.v1.WorkerStreamService/Connect";
        readonly requestStream: true;
        readonly responseStream: true;
        readonly requestSerialize: (value: ConnectRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => ConnectRequest;
        readonly responseSerialize: (value: ConnectResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => ConnectResponse;
    };
};
export interface WorkerStreamServiceServer extends UntypedServiceImplementation {
    /**
     * A worker session. The first request must carry `hello`; the first response
     * carries `welcome`. Either side may batch several parts into one message.
     */
    connect: handleBidiStreamingCall<ConnectRequest, ConnectResponse>;
}
export interface WorkerStreamServiceClient extends Client {
    /**
     * A worker session. The first request must carry `hello`; the first response
     * carries `welcome`. Either side may batch several parts into one message.
     */
    connect(): ClientDuplexStream<ConnectRequest, ConnectResponse>;
    connect(options: Partial<CallOptions>): ClientDuplexStream<ConnectRequest, ConnectResponse>;
    connect(metadata: Metadata, options?: Partial<CallOptions>): ClientDuplexStream<ConnectRequest, ConnectResponse>;
}
export declare const WorkerStreamServiceClient: {
    new (address: string, credentials: ChannelCredentials, options?: Partial<ClientOptions>): WorkerStreamServiceClient;
    service: typeof WorkerStreamServiceService;
    serviceName: string;
};
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
