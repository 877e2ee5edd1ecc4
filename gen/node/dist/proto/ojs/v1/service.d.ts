import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { type CallOptions, type ChannelCredentials, Client, type ClientOptions, type ClientReadableStream, type ClientUnaryCall, type handleServerStreamingCall, type handleUnaryCall, type Metadata, type ServiceError, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { Event, StreamEventsRequest } from "./events";
import { CancelJobRequest, CancelJobResponse, EnqueueBatchRequest, EnqueueBatchResponse, EnqueueOptions, EnqueueRequest, EnqueueResponse, GetJobRequest, GetJobResponse, Job } from "./job";
import { DeleteDeadLetterRequest, DeleteDeadLetterResponse, ListDeadLetterRequest, ListDeadLetterResponse, ListQueuesRequest, ListQueuesResponse, PauseQueueRequest, PauseQueueResponse, QueueStatsRequest, QueueStatsResponse, ResumeQueueRequest, ResumeQueueResponse, RetryDeadLetterRequest, RetryDeadLetterResponse } from "./queue";
import { AckRequest, AckResponse, FetchRequest, FetchResponse, HeartbeatRequest, HeartbeatResponse, NackRequest, NackResponse, StreamJobsRequest } from "./worker";
import { CancelWorkflowRequest, CancelWorkflowResponse, CreateWorkflowRequest, CreateWorkflowResponse, GetWorkflowRequest, GetWorkflowResponse } from "./workflow";
/** Overall health reported by the Health RPC. Servers never report UNSPECIFIED. */
export declare enum HealthStatus {
    HEALTH_STATUS_UNSPECIFIED = 0,
    HEALTH_STATUS_OK = 1,
    HEALTH_STATUS_DEGRADED = 2,
    HEALTH_STATUS_UNHEALTHY = 3,
    UNRECOGNIZED = -1
}
export declare function healthStatusFromJSON(object: any): HealthStatus;
export declare function healthStatusToJSON(object: HealthStatus): string;
export interface ManifestRequest {
}
/** What the server is and which parts of OJS it implements. */
export interface ManifestResponse {
    ojsVersion: string;
    implementation: Implementation | undefined;
    /** Highest conformance level (0-4) the server claims. */
    conformanceLevel: number;
    /** Bindings served, e.g. "grpc", "http". */
    protocols: string[];
    /** Storage backend name. */
    backend: string;
    extensions: string[];
    schemaValidation: boolean;
}
/** Name, version and language of the server implementation. */
export interface Implementation {
    name: string;
    version: string;
    language: string;
}
export interface HealthRequest {
}
export interface HealthResponse {
    status: HealthStatus;
    timestamp: Date | undefined;
    details: {
        [key: string]: any;
    } | undefined;
}
/** Create or replace a named recurring schedule. */
export interface RegisterCronRequest {
    /** Schedule name (unique). */
    name: string;
    /** Cron expression. */
    cron: string;
    /** IANA time zone ("UTC" when empty). */
    timezone: string;
    /** Job type enqueued at each tick. */
    type: string;
    args: any[];
    options: EnqueueOptions | undefined;
}
export interface RegisterCronResponse {
    name: string;
    nextRunAt: Date | undefined;
}
export interface UnregisterCronRequest {
    name: string;
}
export interface UnregisterCronResponse {
}
export interface ListCronRequest {
}
export interface ListCronResponse {
    entries: CronEntry[];
}
/** A registered schedule. */
export interface CronEntry {
    name: string;
    cron: string;
    timezone: string;
    type: string;
    args: any[];
    options: EnqueueOptions | undefined;
    nextRunAt: Date | undefined;
    lastRunAt: Date | undefined;
}
export declare const ManifestRequest: MessageFns<ManifestRequest>;
export declare const ManifestResponse: MessageFns<ManifestResponse>;
export declare const Implementation: MessageFns<Implementation>;
export declare const HealthRequest: MessageFns<HealthRequest>;
export declare const HealthResponse: MessageFns<HealthResponse>;
export declare const RegisterCronRequest: MessageFns<RegisterCronRequest>;
export declare const RegisterCronResponse: MessageFns<RegisterCronResponse>;
export declare const UnregisterCronRequest: MessageFns<UnregisterCronRequest>;
export declare const UnregisterCronResponse: MessageFns<UnregisterCronResponse>;
export declare const ListCronRequest: MessageFns<ListCronRequest>;
export declare const ListCronResponse: MessageFns<ListCronResponse>;
export declare const CronEntry: MessageFns<CronEntry>;
/** Open Job Spec job server. RPCs above the server's conformance level answer UNIMPLEMENTED. */
export type OJSServiceService = typeof OJSServiceService;
export declare const OJSServiceService: {
    /** Server identity and supported conformance level. */
    readonly manifest: {
        readonly path: "/ojs.v1.OJSService/Manifest";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: ManifestRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => ManifestRequest;
        readonly responseSerialize: (value: ManifestResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => ManifestResponse;
    };
    /** Liveness of the server and its backend. */
    readonly health: {
        readonly path: "/ojs.v1.OJSService/Health";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: HealthRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => HealthRequest;
        readonly responseSerialize: (value: HealthResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => HealthResponse;
    };
    /** Jobs. */
    readonly enqueue: {
        readonly path: "/ojs.v1.OJSService/Enqueue";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: EnqueueRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => EnqueueRequest;
        readonly responseSerialize: (value: EnqueueResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => EnqueueResponse;
    };
    readonly enqueueBatch: {
        readonly path: "/ojs.v1.OJSService/EnqueueBatch";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: EnqueueBatchRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => EnqueueBatchRequest;
        readonly responseSerialize: (value: EnqueueBatchResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => EnqueueBatchResponse;
    };
    readonly getJob: {
        readonly path: "/ojs.v1.OJSService/GetJob";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: GetJobRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => GetJobRequest;
        readonly responseSerialize: (value: GetJobResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => GetJobResponse;
    };
    readonly cancelJob: {
        readonly path: "/ojs.v1.OJSService/CancelJob";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: CancelJobRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => CancelJobRequest;
        readonly responseSerialize: (value: CancelJobResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => CancelJobResponse;
    };
    /** Workers. */
    readonly fetch: {
        readonly path: "/ojs.v1.OJSService/Fetch";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: FetchRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => FetchRequest;
        readonly responseSerialize: (value: FetchResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => FetchResponse;
    };
    readonly ack: {
        readonly path: "/ojs.v1.OJSService/Ack";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: AckRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => AckRequest;
        readonly responseSerialize: (value: AckResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => AckResponse;
    };
    readonly nack: {
        readonly path: "/ojs.v1.OJSService/Nack";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: NackRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => NackRequest;
        readonly responseSerialize: (value: NackResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => NackResponse;
    };
    readonly heartbeat: {
        readonly path: "/ojs.v1.OJSService/Heartbeat";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: HeartbeatRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => HeartbeatRequest;
        readonly responseSerialize: (value: HeartbeatResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => HeartbeatResponse;
    };
    /** Streams: claimed jobs for a worker, and lifecycle events. */
    readonly streamJobs: {
        readonly path: "/ojs.v1.OJSService/StreamJobs";
        readonly requestStream: false;
        readonly responseStream: true;
        readonly requestSerialize: (value: StreamJobsRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => StreamJobsRequest;
        readonly responseSerialize: (value: Job) => Buffer;
        readonly responseDeserialize: (value: Buffer) => Job;
    };
    readonly streamEvents: {
        readonly path: "/ojs.v1.OJSService/StreamEvents";
        readonly requestStream: false;
        readonly responseStream: true;
        readonly requestSerialize: (value: StreamEventsRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => StreamEventsRequest;
        readonly responseSerialize: (value: Event) => Buffer;
        readonly responseDeserialize: (value: Buffer) => Event;
    };
    /** Queues and the dead-letter set. */
    readonly listQueues: {
        readonly path: "/ojs.v1.OJSService/ListQueues";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: ListQueuesRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => ListQueuesRequest;
        readonly responseSerialize: (value: ListQueuesResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => ListQueuesResponse;
    };
    readonly queueStats: {
        readonly path: "/ojs.v1.OJSService/QueueStats";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: QueueStatsRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => QueueStatsRequest;
        readonly responseSerialize: (value: QueueStatsResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => QueueStatsResponse;
    };
    readonly pauseQueue: {
        readonly path: "/ojs.v1.OJSService/PauseQueue";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: PauseQueueRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => PauseQueueRequest;
        readonly responseSerialize: (value: PauseQueueResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => PauseQueueResponse;
    };
    readonly resumeQueue: {
        readonly path: "/ojs.v1.OJSService/ResumeQueue";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: ResumeQueueRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => ResumeQueueRequest;
        readonly responseSerialize: (value: ResumeQueueResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => ResumeQueueResponse;
    };
    readonly listDeadLetter: {
        readonly path: "/ojs.v1.OJSService/ListDeadLetter";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: ListDeadLetterRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => ListDeadLetterRequest;
        readonly responseSerialize: (value: ListDeadLetterResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => ListDeadLetterResponse;
    };
    readonly retryDeadLetter: {
        readonly path: "/ojs.v1.OJSService/RetryDeadLetter";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: RetryDeadLetterRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => RetryDeadLetterRequest;
        readonly responseSerialize: (value: RetryDeadLetterResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => RetryDeadLetterResponse;
    };
    readonly deleteDeadLetter: {
        readonly path: "/ojs.v1.OJSService/DeleteDeadLetter";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: DeleteDeadLetterRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => DeleteDeadLetterRequest;
        readonly responseSerialize: (value: DeleteDeadLetterResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => DeleteDeadLetterResponse;
    };
    /** Cron schedules. */
    readonly registerCron: {
        readonly path: "/ojs.v1.OJSService/RegisterCron";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: RegisterCronRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => RegisterCronRequest;
        readonly responseSerialize: (value: RegisterCronResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => RegisterCronResponse;
    };
    readonly unregisterCron: {
        readonly path: "/ojs.v1.OJSService/UnregisterCron";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: UnregisterCronRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => UnregisterCronRequest;
        readonly responseSerialize: (value: UnregisterCronResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => UnregisterCronResponse;
    };
    readonly listCron: {
        readonly path: "/ojs.v1.OJSService/ListCron";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: ListCronRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => ListCronRequest;
        readonly responseSerialize: (value: ListCronResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => ListCronResponse;
    };
    /** Workflows. */
    readonly createWorkflow: {
        readonly path: "/ojs.v1.OJSService/CreateWorkflow";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: CreateWorkflowRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => CreateWorkflowRequest;
        readonly responseSerialize: (value: CreateWorkflowResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => CreateWorkflowResponse;
    };
    readonly getWorkflow: {
        readonly path: "/ojs.v1.OJSService/GetWorkflow";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: GetWorkflowRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => GetWorkflowRequest;
        readonly responseSerialize: (value: GetWorkflowResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => GetWorkflowResponse;
    };
    readonly cancelWorkflow: {
        readonly path: "/ojs.v1.OJSService/CancelWorkflow";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: CancelWorkflowRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => CancelWorkflowRequest;
        readonly responseSerialize: (value: CancelWorkflowResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => CancelWorkflowResponse;
    };
};
export interface OJSServiceServer extends UntypedServiceImplementation {
    /** Server identity and supported conformance level. */
    manifest: handleUnaryCall<ManifestRequest, ManifestResponse>;
    /** Liveness of the server and its backend. */
    health: handleUnaryCall<HealthRequest, HealthResponse>;
    /** Jobs. */
    enqueue: handleUnaryCall<EnqueueRequest, EnqueueResponse>;
    enqueueBatch: handleUnaryCall<EnqueueBatchRequest, EnqueueBatchResponse>;
    getJob: handleUnaryCall<GetJobRequest, GetJobResponse>;
    cancelJob: handleUnaryCall<CancelJobRequest, CancelJobResponse>;
    /** Workers. */
    fetch: handleUnaryCall<FetchRequest, FetchResponse>;
    ack: handleUnaryCall<AckRequest, AckResponse>;
    nack: handleUnaryCall<NackRequest, NackResponse>;
    heartbeat: handleUnaryCall<HeartbeatRequest, HeartbeatResponse>;
    /** Streams: claimed jobs for a worker, and lifecycle events. */
    streamJobs: handleServerStreamingCall<StreamJobsRequest, Job>;
    streamEvents: handleServerStreamingCall<StreamEventsRequest, Event>;
    /** Queues and the dead-letter set. */
    listQueues: handleUnaryCall<ListQueuesRequest, ListQueuesResponse>;
    queueStats: handleUnaryCall<QueueStatsRequest, QueueStatsResponse>;
    pauseQueue: handleUnaryCall<PauseQueueRequest, PauseQueueResponse>;
    resumeQueue: handleUnaryCall<ResumeQueueRequest, ResumeQueueResponse>;
    listDeadLetter: handleUnaryCall<ListDeadLetterRequest, ListDeadLetterResponse>;
    retryDeadLetter: handleUnaryCall<RetryDeadLetterRequest, RetryDeadLetterResponse>;
    deleteDeadLetter: handleUnaryCall<DeleteDeadLetterRequest, DeleteDeadLetterResponse>;
    /** Cron schedules. */
    registerCron: handleUnaryCall<RegisterCronRequest, RegisterCronResponse>;
    unregisterCron: handleUnaryCall<UnregisterCronRequest, UnregisterCronResponse>;
    listCron: handleUnaryCall<ListCronRequest, ListCronResponse>;
    /** Workflows. */
    createWorkflow: handleUnaryCall<CreateWorkflowRequest, CreateWorkflowResponse>;
    getWorkflow: handleUnaryCall<GetWorkflowRequest, GetWorkflowResponse>;
    cancelWorkflow: handleUnaryCall<CancelWorkflowRequest, CancelWorkflowResponse>;
}
export interface OJSServiceClient extends Client {
    /** Server identity and supported conformance level. */
    manifest(request: ManifestRequest, callback: (error: ServiceError | null, response: ManifestResponse) => void): ClientUnaryCall;
    manifest(request: ManifestRequest, metadata: Metadata, callback: (error: ServiceError | null, response: ManifestResponse) => void): ClientUnaryCall;
    manifest(request: ManifestRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: ManifestResponse) => void): ClientUnaryCall;
    /** Liveness of the server and its backend. */
    health(request: HealthRequest, callback: (error: ServiceError | null, response: HealthResponse) => void): ClientUnaryCall;
    health(request: HealthRequest, metadata: Metadata, callback: (error: ServiceError | null, response: HealthResponse) => void): ClientUnaryCall;
    health(request: HealthRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: HealthResponse) => void): ClientUnaryCall;
    /** Jobs. */
    enqueue(request: EnqueueRequest, callback: (error: ServiceError | null, response: EnqueueResponse) => void): ClientUnaryCall;
    enqueue(request: EnqueueRequest, metadata: Metadata, callback: (error: ServiceError | null, response: EnqueueResponse) => void): ClientUnaryCall;
    enqueue(request: EnqueueRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: EnqueueResponse) => void): ClientUnaryCall;
    enqueueBatch(request: EnqueueBatchRequest, callback: (error: ServiceError | null, response: EnqueueBatchResponse) => void): ClientUnaryCall;
    enqueueBatch(request: EnqueueBatchRequest, metadata: Metadata, callback: (error: ServiceError | null, response: EnqueueBatchResponse) => void): ClientUnaryCall;
    enqueueBatch(request: EnqueueBatchRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: EnqueueBatchResponse) => void): ClientUnaryCall;
    getJob(request: GetJobRequest, callback: (error: ServiceError | null, response: GetJobResponse) => void): ClientUnaryCall;
    getJob(request: GetJobRequest, metadata: Metadata, callback: (error: ServiceError | null, response: GetJobResponse) => void): ClientUnaryCall;
    getJob(request: GetJobRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: GetJobResponse) => void): ClientUnaryCall;
    cancelJob(request: CancelJobRequest, callback: (error: ServiceError | null, response: CancelJobResponse) => void): ClientUnaryCall;
    cancelJob(request: CancelJobRequest, metadata: Metadata, callback: (error: ServiceError | null, response: CancelJobResponse) => void): ClientUnaryCall;
    cancelJob(request: CancelJobRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: CancelJobResponse) => void): ClientUnaryCall;
    /** Workers. */
    fetch(request: FetchRequest, callback: (error: ServiceError | null, response: FetchResponse) => void): ClientUnaryCall;
    fetch(request: FetchRequest, metadata: Metadata, callback: (error: ServiceError | null, response: FetchResponse) => void): ClientUnaryCall;
    fetch(request: FetchRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: FetchResponse) => void): ClientUnaryCall;
    ack(request: AckRequest, callback: (error: ServiceError | null, response: AckResponse) => void): ClientUnaryCall;
    ack(request: AckRequest, metadata: Metadata, callback: (error: ServiceError | null, response: AckResponse) => void): ClientUnaryCall;
    ack(request: AckRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: AckResponse) => void): ClientUnaryCall;
    nack(request: NackRequest, callback: (error: ServiceError | null, response: NackResponse) => void): ClientUnaryCall;
    nack(request: NackRequest, metadata: Metadata, callback: (error: ServiceError | null, response: NackResponse) => void): ClientUnaryCall;
    nack(request: NackRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: NackResponse) => void): ClientUnaryCall;
    heartbeat(request: HeartbeatRequest, callback: (error: ServiceError | null, response: HeartbeatResponse) => void): ClientUnaryCall;
    heartbeat(request: HeartbeatRequest, metadata: Metadata, callback: (error: ServiceError | null, response: HeartbeatResponse) => void): ClientUnaryCall;
    heartbeat(request: HeartbeatRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: HeartbeatResponse) => void): ClientUnaryCall;
    /** Streams: claimed jobs for a worker, and lifecycle events. */
    streamJobs(request: StreamJobsRequest, options?: Partial<CallOptions>): ClientReadableStream<Job>;
    streamJobs(request: StreamJobsRequest, metadata?: Metadata, options?: Partial<CallOptions>): ClientReadableStream<Job>;
    streamEvents(request: StreamEventsRequest, options?: Partial<CallOptions>): ClientReadableStream<Event>;
    streamEvents(request: StreamEventsRequest, metadata?: Metadata, options?: Partial<CallOptions>): ClientReadableStream<Event>;
    /** Queues and the dead-letter set. */
    listQueues(request: ListQueuesRequest, callback: (error: ServiceError | null, response: ListQueuesResponse) => void): ClientUnaryCall;
    listQueues(request: ListQueuesRequest, metadata: Metadata, callback: (error: ServiceError | null, response: ListQueuesResponse) => void): ClientUnaryCall;
    listQueues(request: ListQueuesRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: ListQueuesResponse) => void): ClientUnaryCall;
    queueStats(request: QueueStatsRequest, callback: (error: ServiceError | null, response: QueueStatsResponse) => void): ClientUnaryCall;
    queueStats(request: QueueStatsRequest, metadata: Metadata, callback: (error: ServiceError | null, response: QueueStatsResponse) => void): ClientUnaryCall;
    queueStats(request: QueueStatsRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: QueueStatsResponse) => void): ClientUnaryCall;
    pauseQueue(request: PauseQueueRequest, callback: (error: ServiceError | null, response: PauseQueueResponse) => void): ClientUnaryCall;
    pauseQueue(request: PauseQueueRequest, metadata: Metadata, callback: (error: ServiceError | null, response: PauseQueueResponse) => void): ClientUnaryCall;
    pauseQueue(request: PauseQueueRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: PauseQueueResponse) => void): ClientUnaryCall;
    resumeQueue(request: ResumeQueueRequest, callback: (error: ServiceError | null, response: ResumeQueueResponse) => void): ClientUnaryCall;
    resumeQueue(request: ResumeQueueRequest, metadata: Metadata, callback: (error: ServiceError | null, response: ResumeQueueResponse) => void): ClientUnaryCall;
    resumeQueue(request: ResumeQueueRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: ResumeQueueResponse) => void): ClientUnaryCall;
    listDeadLetter(request: ListDeadLetterRequest, callback: (error: ServiceError | null, response: ListDeadLetterResponse) => void): ClientUnaryCall;
    listDeadLetter(request: ListDeadLetterRequest, metadata: Metadata, callback: (error: ServiceError | null, response: ListDeadLetterResponse) => void): ClientUnaryCall;
    listDeadLetter(request: ListDeadLetterRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: ListDeadLetterResponse) => void): ClientUnaryCall;
    retryDeadLetter(request: RetryDeadLetterRequest, callback: (error: ServiceError | null, response: RetryDeadLetterResponse) => void): ClientUnaryCall;
    retryDeadLetter(request: RetryDeadLetterRequest, metadata: Metadata, callback: (error: ServiceError | null, response: RetryDeadLetterResponse) => void): ClientUnaryCall;
    retryDeadLetter(request: RetryDeadLetterRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: RetryDeadLetterResponse) => void): ClientUnaryCall;
    deleteDeadLetter(request: DeleteDeadLetterRequest, callback: (error: ServiceError | null, response: DeleteDeadLetterResponse) => void): ClientUnaryCall;
    deleteDeadLetter(request: DeleteDeadLetterRequest, metadata: Metadata, callback: (error: ServiceError | null, response: DeleteDeadLetterResponse) => void): ClientUnaryCall;
    deleteDeadLetter(request: DeleteDeadLetterRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: DeleteDeadLetterResponse) => void): ClientUnaryCall;
    /** Cron schedules. */
    registerCron(request: RegisterCronRequest, callback: (error: ServiceError | null, response: RegisterCronResponse) => void): ClientUnaryCall;
    registerCron(request: RegisterCronRequest, metadata: Metadata, callback: (error: ServiceError | null, response: RegisterCronResponse) => void): ClientUnaryCall;
    registerCron(request: RegisterCronRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: RegisterCronResponse) => void): ClientUnaryCall;
    unregisterCron(request: UnregisterCronRequest, callback: (error: ServiceError | null, response: UnregisterCronResponse) => void): ClientUnaryCall;
    unregisterCron(request: UnregisterCronRequest, metadata: Metadata, callback: (error: ServiceError | null, response: UnregisterCronResponse) => void): ClientUnaryCall;
    unregisterCron(request: UnregisterCronRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: UnregisterCronResponse) => void): ClientUnaryCall;
    listCron(request: ListCronRequest, callback: (error: ServiceError | null, response: ListCronResponse) => void): ClientUnaryCall;
    listCron(request: ListCronRequest, metadata: Metadata, callback: (error: ServiceError | null, response: ListCronResponse) => void): ClientUnaryCall;
    listCron(request: ListCronRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: ListCronResponse) => void): ClientUnaryCall;
    /** Workflows. */
    createWorkflow(request: CreateWorkflowRequest, callback: (error: ServiceError | null, response: CreateWorkflowResponse) => void): ClientUnaryCall;
    createWorkflow(request: CreateWorkflowRequest, metadata: Metadata, callback: (error: ServiceError | null, response: CreateWorkflowResponse) => void): ClientUnaryCall;
    createWorkflow(request: CreateWorkflowRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: CreateWorkflowResponse) => void): ClientUnaryCall;
    getWorkflow(request: GetWorkflowRequest, callback: (error: ServiceError | null, response: GetWorkflowResponse) => void): ClientUnaryCall;
    getWorkflow(request: GetWorkflowRequest, metadata: Metadata, callback: (error: ServiceError | null, response: GetWorkflowResponse) => void): ClientUnaryCall;
    getWorkflow(request: GetWorkflowRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: GetWorkflowResponse) => void): ClientUnaryCall;
    cancelWorkflow(request: CancelWorkflowRequest, callback: (error: ServiceError | null, response: CancelWorkflowResponse) => void): ClientUnaryCall;
    cancelWorkflow(request: CancelWorkflowRequest, metadata: Metadata, callback: (error: ServiceError | null, response: CancelWorkflowResponse) => void): ClientUnaryCall;
    cancelWorkflow(request: CancelWorkflowRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: CancelWorkflowResponse) => void): ClientUnaryCall;
}
export declare const OJSServiceClient: {
    new (address: string, credentials: ChannelCredentials, options?: Partial<ClientOptions>): OJSServiceClient;
    service: typeof OJSServiceService;
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
