package org.openjobspec.ojs.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * Open Job Spec job server. RPCs above the server's conformance level answer UNIMPLEMENTED.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class OJSServiceGrpc {

  private OJSServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "ojs.v1.OJSService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.ManifestRequest,
      org.openjobspec.ojs.v1.ManifestResponse> getManifestMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Manifest",
      requestType = org.openjobspec.ojs.v1.ManifestRequest.class,
      responseType = org.openjobspec.ojs.v1.ManifestResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.ManifestRequest,
      org.openjobspec.ojs.v1.ManifestResponse> getManifestMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.ManifestRequest, org.openjobspec.ojs.v1.ManifestResponse> getManifestMethod;
    if ((getManifestMethod = OJSServiceGrpc.getManifestMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getManifestMethod = OJSServiceGrpc.getManifestMethod) == null) {
          OJSServiceGrpc.getManifestMethod = getManifestMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.ManifestRequest, org.openjobspec.ojs.v1.ManifestResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Manifest"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.ManifestRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.ManifestResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("Manifest"))
              .build();
        }
      }
    }
    return getManifestMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.HealthRequest,
      org.openjobspec.ojs.v1.HealthResponse> getHealthMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Health",
      requestType = org.openjobspec.ojs.v1.HealthRequest.class,
      responseType = org.openjobspec.ojs.v1.HealthResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.HealthRequest,
      org.openjobspec.ojs.v1.HealthResponse> getHealthMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.HealthRequest, org.openjobspec.ojs.v1.HealthResponse> getHealthMethod;
    if ((getHealthMethod = OJSServiceGrpc.getHealthMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getHealthMethod = OJSServiceGrpc.getHealthMethod) == null) {
          OJSServiceGrpc.getHealthMethod = getHealthMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.HealthRequest, org.openjobspec.ojs.v1.HealthResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Health"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.HealthRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.HealthResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("Health"))
              .build();
        }
      }
    }
    return getHealthMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.EnqueueRequest,
      org.openjobspec.ojs.v1.EnqueueResponse> getEnqueueMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Enqueue",
      requestType = org.openjobspec.ojs.v1.EnqueueRequest.class,
      responseType = org.openjobspec.ojs.v1.EnqueueResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.EnqueueRequest,
      org.openjobspec.ojs.v1.EnqueueResponse> getEnqueueMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.EnqueueRequest, org.openjobspec.ojs.v1.EnqueueResponse> getEnqueueMethod;
    if ((getEnqueueMethod = OJSServiceGrpc.getEnqueueMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getEnqueueMethod = OJSServiceGrpc.getEnqueueMethod) == null) {
          OJSServiceGrpc.getEnqueueMethod = getEnqueueMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.EnqueueRequest, org.openjobspec.ojs.v1.EnqueueResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Enqueue"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.EnqueueRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.EnqueueResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("Enqueue"))
              .build();
        }
      }
    }
    return getEnqueueMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.EnqueueBatchRequest,
      org.openjobspec.ojs.v1.EnqueueBatchResponse> getEnqueueBatchMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "EnqueueBatch",
      requestType = org.openjobspec.ojs.v1.EnqueueBatchRequest.class,
      responseType = org.openjobspec.ojs.v1.EnqueueBatchResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.EnqueueBatchRequest,
      org.openjobspec.ojs.v1.EnqueueBatchResponse> getEnqueueBatchMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.EnqueueBatchRequest, org.openjobspec.ojs.v1.EnqueueBatchResponse> getEnqueueBatchMethod;
    if ((getEnqueueBatchMethod = OJSServiceGrpc.getEnqueueBatchMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getEnqueueBatchMethod = OJSServiceGrpc.getEnqueueBatchMethod) == null) {
          OJSServiceGrpc.getEnqueueBatchMethod = getEnqueueBatchMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.EnqueueBatchRequest, org.openjobspec.ojs.v1.EnqueueBatchResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "EnqueueBatch"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.EnqueueBatchRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.EnqueueBatchResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("EnqueueBatch"))
              .build();
        }
      }
    }
    return getEnqueueBatchMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.GetJobRequest,
      org.openjobspec.ojs.v1.GetJobResponse> getGetJobMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetJob",
      requestType = org.openjobspec.ojs.v1.GetJobRequest.class,
      responseType = org.openjobspec.ojs.v1.GetJobResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.GetJobRequest,
      org.openjobspec.ojs.v1.GetJobResponse> getGetJobMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.GetJobRequest, org.openjobspec.ojs.v1.GetJobResponse> getGetJobMethod;
    if ((getGetJobMethod = OJSServiceGrpc.getGetJobMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getGetJobMethod = OJSServiceGrpc.getGetJobMethod) == null) {
          OJSServiceGrpc.getGetJobMethod = getGetJobMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.GetJobRequest, org.openjobspec.ojs.v1.GetJobResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetJob"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.GetJobRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.GetJobResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("GetJob"))
              .build();
        }
      }
    }
    return getGetJobMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.CancelJobRequest,
      org.openjobspec.ojs.v1.CancelJobResponse> getCancelJobMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CancelJob",
      requestType = org.openjobspec.ojs.v1.CancelJobRequest.class,
      responseType = org.openjobspec.ojs.v1.CancelJobResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.CancelJobRequest,
      org.openjobspec.ojs.v1.CancelJobResponse> getCancelJobMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.CancelJobRequest, org.openjobspec.ojs.v1.CancelJobResponse> getCancelJobMethod;
    if ((getCancelJobMethod = OJSServiceGrpc.getCancelJobMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getCancelJobMethod = OJSServiceGrpc.getCancelJobMethod) == null) {
          OJSServiceGrpc.getCancelJobMethod = getCancelJobMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.CancelJobRequest, org.openjobspec.ojs.v1.CancelJobResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CancelJob"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.CancelJobRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.CancelJobResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("CancelJob"))
              .build();
        }
      }
    }
    return getCancelJobMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.FetchRequest,
      org.openjobspec.ojs.v1.FetchResponse> getFetchMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Fetch",
      requestType = org.openjobspec.ojs.v1.FetchRequest.class,
      responseType = org.openjobspec.ojs.v1.FetchResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.FetchRequest,
      org.openjobspec.ojs.v1.FetchResponse> getFetchMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.FetchRequest, org.openjobspec.ojs.v1.FetchResponse> getFetchMethod;
    if ((getFetchMethod = OJSServiceGrpc.getFetchMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getFetchMethod = OJSServiceGrpc.getFetchMethod) == null) {
          OJSServiceGrpc.getFetchMethod = getFetchMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.FetchRequest, org.openjobspec.ojs.v1.FetchResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Fetch"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.FetchRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.FetchResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("Fetch"))
              .build();
        }
      }
    }
    return getFetchMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.AckRequest,
      org.openjobspec.ojs.v1.AckResponse> getAckMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Ack",
      requestType = org.openjobspec.ojs.v1.AckRequest.class,
      responseType = org.openjobspec.ojs.v1.AckResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.AckRequest,
      org.openjobspec.ojs.v1.AckResponse> getAckMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.AckRequest, org.openjobspec.ojs.v1.AckResponse> getAckMethod;
    if ((getAckMethod = OJSServiceGrpc.getAckMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getAckMethod = OJSServiceGrpc.getAckMethod) == null) {
          OJSServiceGrpc.getAckMethod = getAckMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.AckRequest, org.openjobspec.ojs.v1.AckResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Ack"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.AckRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.AckResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("Ack"))
              .build();
        }
      }
    }
    return getAckMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.NackRequest,
      org.openjobspec.ojs.v1.NackResponse> getNackMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Nack",
      requestType = org.openjobspec.ojs.v1.NackRequest.class,
      responseType = org.openjobspec.ojs.v1.NackResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.NackRequest,
      org.openjobspec.ojs.v1.NackResponse> getNackMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.NackRequest, org.openjobspec.ojs.v1.NackResponse> getNackMethod;
    if ((getNackMethod = OJSServiceGrpc.getNackMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getNackMethod = OJSServiceGrpc.getNackMethod) == null) {
          OJSServiceGrpc.getNackMethod = getNackMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.NackRequest, org.openjobspec.ojs.v1.NackResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Nack"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.NackRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.NackResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("Nack"))
              .build();
        }
      }
    }
    return getNackMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.HeartbeatRequest,
      org.openjobspec.ojs.v1.HeartbeatResponse> getHeartbeatMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Heartbeat",
      requestType = org.openjobspec.ojs.v1.HeartbeatRequest.class,
      responseType = org.openjobspec.ojs.v1.HeartbeatResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.HeartbeatRequest,
      org.openjobspec.ojs.v1.HeartbeatResponse> getHeartbeatMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.HeartbeatRequest, org.openjobspec.ojs.v1.HeartbeatResponse> getHeartbeatMethod;
    if ((getHeartbeatMethod = OJSServiceGrpc.getHeartbeatMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getHeartbeatMethod = OJSServiceGrpc.getHeartbeatMethod) == null) {
          OJSServiceGrpc.getHeartbeatMethod = getHeartbeatMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.HeartbeatRequest, org.openjobspec.ojs.v1.HeartbeatResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Heartbeat"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.HeartbeatRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.HeartbeatResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("Heartbeat"))
              .build();
        }
      }
    }
    return getHeartbeatMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.StreamJobsRequest,
      org.openjobspec.ojs.v1.Job> getStreamJobsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "StreamJobs",
      requestType = org.openjobspec.ojs.v1.StreamJobsRequest.class,
      responseType = org.openjobspec.ojs.v1.Job.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.StreamJobsRequest,
      org.openjobspec.ojs.v1.Job> getStreamJobsMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.StreamJobsRequest, org.openjobspec.ojs.v1.Job> getStreamJobsMethod;
    if ((getStreamJobsMethod = OJSServiceGrpc.getStreamJobsMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getStreamJobsMethod = OJSServiceGrpc.getStreamJobsMethod) == null) {
          OJSServiceGrpc.getStreamJobsMethod = getStreamJobsMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.StreamJobsRequest, org.openjobspec.ojs.v1.Job>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "StreamJobs"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.StreamJobsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.Job.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("StreamJobs"))
              .build();
        }
      }
    }
    return getStreamJobsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.StreamEventsRequest,
      org.openjobspec.ojs.v1.Event> getStreamEventsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "StreamEvents",
      requestType = org.openjobspec.ojs.v1.StreamEventsRequest.class,
      responseType = org.openjobspec.ojs.v1.Event.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.StreamEventsRequest,
      org.openjobspec.ojs.v1.Event> getStreamEventsMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.StreamEventsRequest, org.openjobspec.ojs.v1.Event> getStreamEventsMethod;
    if ((getStreamEventsMethod = OJSServiceGrpc.getStreamEventsMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getStreamEventsMethod = OJSServiceGrpc.getStreamEventsMethod) == null) {
          OJSServiceGrpc.getStreamEventsMethod = getStreamEventsMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.StreamEventsRequest, org.openjobspec.ojs.v1.Event>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "StreamEvents"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.StreamEventsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.Event.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("StreamEvents"))
              .build();
        }
      }
    }
    return getStreamEventsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.ListQueuesRequest,
      org.openjobspec.ojs.v1.ListQueuesResponse> getListQueuesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListQueues",
      requestType = org.openjobspec.ojs.v1.ListQueuesRequest.class,
      responseType = org.openjobspec.ojs.v1.ListQueuesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.ListQueuesRequest,
      org.openjobspec.ojs.v1.ListQueuesResponse> getListQueuesMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.ListQueuesRequest, org.openjobspec.ojs.v1.ListQueuesResponse> getListQueuesMethod;
    if ((getListQueuesMethod = OJSServiceGrpc.getListQueuesMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getListQueuesMethod = OJSServiceGrpc.getListQueuesMethod) == null) {
          OJSServiceGrpc.getListQueuesMethod = getListQueuesMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.ListQueuesRequest, org.openjobspec.ojs.v1.ListQueuesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListQueues"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.ListQueuesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.ListQueuesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("ListQueues"))
              .build();
        }
      }
    }
    return getListQueuesMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.QueueStatsRequest,
      org.openjobspec.ojs.v1.QueueStatsResponse> getQueueStatsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "QueueStats",
      requestType = org.openjobspec.ojs.v1.QueueStatsRequest.class,
      responseType = org.openjobspec.ojs.v1.QueueStatsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.QueueStatsRequest,
      org.openjobspec.ojs.v1.QueueStatsResponse> getQueueStatsMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.QueueStatsRequest, org.openjobspec.ojs.v1.QueueStatsResponse> getQueueStatsMethod;
    if ((getQueueStatsMethod = OJSServiceGrpc.getQueueStatsMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getQueueStatsMethod = OJSServiceGrpc.getQueueStatsMethod) == null) {
          OJSServiceGrpc.getQueueStatsMethod = getQueueStatsMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.QueueStatsRequest, org.openjobspec.ojs.v1.QueueStatsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "QueueStats"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.QueueStatsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.QueueStatsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("QueueStats"))
              .build();
        }
      }
    }
    return getQueueStatsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.PauseQueueRequest,
      org.openjobspec.ojs.v1.PauseQueueResponse> getPauseQueueMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "PauseQueue",
      requestType = org.openjobspec.ojs.v1.PauseQueueRequest.class,
      responseType = org.openjobspec.ojs.v1.PauseQueueResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.PauseQueueRequest,
      org.openjobspec.ojs.v1.PauseQueueResponse> getPauseQueueMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.PauseQueueRequest, org.openjobspec.ojs.v1.PauseQueueResponse> getPauseQueueMethod;
    if ((getPauseQueueMethod = OJSServiceGrpc.getPauseQueueMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getPauseQueueMethod = OJSServiceGrpc.getPauseQueueMethod) == null) {
          OJSServiceGrpc.getPauseQueueMethod = getPauseQueueMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.PauseQueueRequest, org.openjobspec.ojs.v1.PauseQueueResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "PauseQueue"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.PauseQueueRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.PauseQueueResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("PauseQueue"))
              .build();
        }
      }
    }
    return getPauseQueueMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.ResumeQueueRequest,
      org.openjobspec.ojs.v1.ResumeQueueResponse> getResumeQueueMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ResumeQueue",
      requestType = org.openjobspec.ojs.v1.ResumeQueueRequest.class,
      responseType = org.openjobspec.ojs.v1.ResumeQueueResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.ResumeQueueRequest,
      org.openjobspec.ojs.v1.ResumeQueueResponse> getResumeQueueMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.ResumeQueueRequest, org.openjobspec.ojs.v1.ResumeQueueResponse> getResumeQueueMethod;
    if ((getResumeQueueMethod = OJSServiceGrpc.getResumeQueueMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getResumeQueueMethod = OJSServiceGrpc.getResumeQueueMethod) == null) {
          OJSServiceGrpc.getResumeQueueMethod = getResumeQueueMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.ResumeQueueRequest, org.openjobspec.ojs.v1.ResumeQueueResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ResumeQueue"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.ResumeQueueRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.ResumeQueueResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("ResumeQueue"))
              .build();
        }
      }
    }
    return getResumeQueueMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.ListDeadLetterRequest,
      org.openjobspec.ojs.v1.ListDeadLetterResponse> getListDeadLetterMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListDeadLetter",
      requestType = org.openjobspec.ojs.v1.ListDeadLetterRequest.class,
      responseType = org.openjobspec.ojs.v1.ListDeadLetterResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.ListDeadLetterRequest,
      org.openjobspec.ojs.v1.ListDeadLetterResponse> getListDeadLetterMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.ListDeadLetterRequest, org.openjobspec.ojs.v1.ListDeadLetterResponse> getListDeadLetterMethod;
    if ((getListDeadLetterMethod = OJSServiceGrpc.getListDeadLetterMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getListDeadLetterMethod = OJSServiceGrpc.getListDeadLetterMethod) == null) {
          OJSServiceGrpc.getListDeadLetterMethod = getListDeadLetterMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.ListDeadLetterRequest, org.openjobspec.ojs.v1.ListDeadLetterResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListDeadLetter"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.ListDeadLetterRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.ListDeadLetterResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("ListDeadLetter"))
              .build();
        }
      }
    }
    return getListDeadLetterMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.RetryDeadLetterRequest,
      org.openjobspec.ojs.v1.RetryDeadLetterResponse> getRetryDeadLetterMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RetryDeadLetter",
      requestType = org.openjobspec.ojs.v1.RetryDeadLetterRequest.class,
      responseType = org.openjobspec.ojs.v1.RetryDeadLetterResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.RetryDeadLetterRequest,
      org.openjobspec.ojs.v1.RetryDeadLetterResponse> getRetryDeadLetterMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.RetryDeadLetterRequest, org.openjobspec.ojs.v1.RetryDeadLetterResponse> getRetryDeadLetterMethod;
    if ((getRetryDeadLetterMethod = OJSServiceGrpc.getRetryDeadLetterMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getRetryDeadLetterMethod = OJSServiceGrpc.getRetryDeadLetterMethod) == null) {
          OJSServiceGrpc.getRetryDeadLetterMethod = getRetryDeadLetterMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.RetryDeadLetterRequest, org.openjobspec.ojs.v1.RetryDeadLetterResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RetryDeadLetter"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.RetryDeadLetterRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.RetryDeadLetterResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("RetryDeadLetter"))
              .build();
        }
      }
    }
    return getRetryDeadLetterMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.DeleteDeadLetterRequest,
      org.openjobspec.ojs.v1.DeleteDeadLetterResponse> getDeleteDeadLetterMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteDeadLetter",
      requestType = org.openjobspec.ojs.v1.DeleteDeadLetterRequest.class,
      responseType = org.openjobspec.ojs.v1.DeleteDeadLetterResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.DeleteDeadLetterRequest,
      org.openjobspec.ojs.v1.DeleteDeadLetterResponse> getDeleteDeadLetterMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.DeleteDeadLetterRequest, org.openjobspec.ojs.v1.DeleteDeadLetterResponse> getDeleteDeadLetterMethod;
    if ((getDeleteDeadLetterMethod = OJSServiceGrpc.getDeleteDeadLetterMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getDeleteDeadLetterMethod = OJSServiceGrpc.getDeleteDeadLetterMethod) == null) {
          OJSServiceGrpc.getDeleteDeadLetterMethod = getDeleteDeadLetterMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.DeleteDeadLetterRequest, org.openjobspec.ojs.v1.DeleteDeadLetterResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteDeadLetter"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.DeleteDeadLetterRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.DeleteDeadLetterResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("DeleteDeadLetter"))
              .build();
        }
      }
    }
    return getDeleteDeadLetterMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.RegisterCronRequest,
      org.openjobspec.ojs.v1.RegisterCronResponse> getRegisterCronMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RegisterCron",
      requestType = org.openjobspec.ojs.v1.RegisterCronRequest.class,
      responseType = org.openjobspec.ojs.v1.RegisterCronResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.RegisterCronRequest,
      org.openjobspec.ojs.v1.RegisterCronResponse> getRegisterCronMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.RegisterCronRequest, org.openjobspec.ojs.v1.RegisterCronResponse> getRegisterCronMethod;
    if ((getRegisterCronMethod = OJSServiceGrpc.getRegisterCronMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getRegisterCronMethod = OJSServiceGrpc.getRegisterCronMethod) == null) {
          OJSServiceGrpc.getRegisterCronMethod = getRegisterCronMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.RegisterCronRequest, org.openjobspec.ojs.v1.RegisterCronResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RegisterCron"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.RegisterCronRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.RegisterCronResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("RegisterCron"))
              .build();
        }
      }
    }
    return getRegisterCronMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.UnregisterCronRequest,
      org.openjobspec.ojs.v1.UnregisterCronResponse> getUnregisterCronMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UnregisterCron",
      requestType = org.openjobspec.ojs.v1.UnregisterCronRequest.class,
      responseType = org.openjobspec.ojs.v1.UnregisterCronResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.UnregisterCronRequest,
      org.openjobspec.ojs.v1.UnregisterCronResponse> getUnregisterCronMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.UnregisterCronRequest, org.openjobspec.ojs.v1.UnregisterCronResponse> getUnregisterCronMethod;
    if ((getUnregisterCronMethod = OJSServiceGrpc.getUnregisterCronMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getUnregisterCronMethod = OJSServiceGrpc.getUnregisterCronMethod) == null) {
          OJSServiceGrpc.getUnregisterCronMethod = getUnregisterCronMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.UnregisterCronRequest, org.openjobspec.ojs.v1.UnregisterCronResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UnregisterCron"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.UnregisterCronRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.UnregisterCronResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("UnregisterCron"))
              .build();
        }
      }
    }
    return getUnregisterCronMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.ListCronRequest,
      org.openjobspec.ojs.v1.ListCronResponse> getListCronMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListCron",
      requestType = org.openjobspec.ojs.v1.ListCronRequest.class,
      responseType = org.openjobspec.ojs.v1.ListCronResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.ListCronRequest,
      org.openjobspec.ojs.v1.ListCronResponse> getListCronMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.ListCronRequest, org.openjobspec.ojs.v1.ListCronResponse> getListCronMethod;
    if ((getListCronMethod = OJSServiceGrpc.getListCronMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getListCronMethod = OJSServiceGrpc.getListCronMethod) == null) {
          OJSServiceGrpc.getListCronMethod = getListCronMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.ListCronRequest, org.openjobspec.ojs.v1.ListCronResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListCron"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.ListCronRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.ListCronResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("ListCron"))
              .build();
        }
      }
    }
    return getListCronMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.CreateWorkflowRequest,
      org.openjobspec.ojs.v1.CreateWorkflowResponse> getCreateWorkflowMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateWorkflow",
      requestType = org.openjobspec.ojs.v1.CreateWorkflowRequest.class,
      responseType = org.openjobspec.ojs.v1.CreateWorkflowResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.CreateWorkflowRequest,
      org.openjobspec.ojs.v1.CreateWorkflowResponse> getCreateWorkflowMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.CreateWorkflowRequest, org.openjobspec.ojs.v1.CreateWorkflowResponse> getCreateWorkflowMethod;
    if ((getCreateWorkflowMethod = OJSServiceGrpc.getCreateWorkflowMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getCreateWorkflowMethod = OJSServiceGrpc.getCreateWorkflowMethod) == null) {
          OJSServiceGrpc.getCreateWorkflowMethod = getCreateWorkflowMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.CreateWorkflowRequest, org.openjobspec.ojs.v1.CreateWorkflowResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateWorkflow"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.CreateWorkflowRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.CreateWorkflowResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("CreateWorkflow"))
              .build();
        }
      }
    }
    return getCreateWorkflowMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.GetWorkflowRequest,
      org.openjobspec.ojs.v1.GetWorkflowResponse> getGetWorkflowMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetWorkflow",
      requestType = org.openjobspec.ojs.v1.GetWorkflowRequest.class,
      responseType = org.openjobspec.ojs.v1.GetWorkflowResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.GetWorkflowRequest,
      org.openjobspec.ojs.v1.GetWorkflowResponse> getGetWorkflowMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.GetWorkflowRequest, org.openjobspec.ojs.v1.GetWorkflowResponse> getGetWorkflowMethod;
    if ((getGetWorkflowMethod = OJSServiceGrpc.getGetWorkflowMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getGetWorkflowMethod = OJSServiceGrpc.getGetWorkflowMethod) == null) {
          OJSServiceGrpc.getGetWorkflowMethod = getGetWorkflowMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.GetWorkflowRequest, org.openjobspec.ojs.v1.GetWorkflowResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetWorkflow"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.GetWorkflowRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.GetWorkflowResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("GetWorkflow"))
              .build();
        }
      }
    }
    return getGetWorkflowMethod;
  }

  private static volatile io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.CancelWorkflowRequest,
      org.openjobspec.ojs.v1.CancelWorkflowResponse> getCancelWorkflowMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CancelWorkflow",
      requestType = org.openjobspec.ojs.v1.CancelWorkflowRequest.class,
      responseType = org.openjobspec.ojs.v1.CancelWorkflowResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.CancelWorkflowRequest,
      org.openjobspec.ojs.v1.CancelWorkflowResponse> getCancelWorkflowMethod() {
    io.grpc.MethodDescriptor<org.openjobspec.ojs.v1.CancelWorkflowRequest, org.openjobspec.ojs.v1.CancelWorkflowResponse> getCancelWorkflowMethod;
    if ((getCancelWorkflowMethod = OJSServiceGrpc.getCancelWorkflowMethod) == null) {
      synchronized (OJSServiceGrpc.class) {
        if ((getCancelWorkflowMethod = OJSServiceGrpc.getCancelWorkflowMethod) == null) {
          OJSServiceGrpc.getCancelWorkflowMethod = getCancelWorkflowMethod =
              io.grpc.MethodDescriptor.<org.openjobspec.ojs.v1.CancelWorkflowRequest, org.openjobspec.ojs.v1.CancelWorkflowResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CancelWorkflow"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.CancelWorkflowRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  org.openjobspec.ojs.v1.CancelWorkflowResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OJSServiceMethodDescriptorSupplier("CancelWorkflow"))
              .build();
        }
      }
    }
    return getCancelWorkflowMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static OJSServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<OJSServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<OJSServiceStub>() {
        @java.lang.Override
        public OJSServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new OJSServiceStub(channel, callOptions);
        }
      };
    return OJSServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static OJSServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<OJSServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<OJSServiceBlockingV2Stub>() {
        @java.lang.Override
        public OJSServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new OJSServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return OJSServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static OJSServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<OJSServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<OJSServiceBlockingStub>() {
        @java.lang.Override
        public OJSServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new OJSServiceBlockingStub(channel, callOptions);
        }
      };
    return OJSServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static OJSServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<OJSServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<OJSServiceFutureStub>() {
        @java.lang.Override
        public OJSServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new OJSServiceFutureStub(channel, callOptions);
        }
      };
    return OJSServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * Open Job Spec job server. RPCs above the server's conformance level answer UNIMPLEMENTED.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Server identity and supported conformance level.
     * </pre>
     */
    default void manifest(org.openjobspec.ojs.v1.ManifestRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.ManifestResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getManifestMethod(), responseObserver);
    }

    /**
     * <pre>
     * Liveness of the server and its backend.
     * </pre>
     */
    default void health(org.openjobspec.ojs.v1.HealthRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.HealthResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getHealthMethod(), responseObserver);
    }

    /**
     * <pre>
     * Jobs.
     * </pre>
     */
    default void enqueue(org.openjobspec.ojs.v1.EnqueueRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.EnqueueResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getEnqueueMethod(), responseObserver);
    }

    /**
     */
    default void enqueueBatch(org.openjobspec.ojs.v1.EnqueueBatchRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.EnqueueBatchResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getEnqueueBatchMethod(), responseObserver);
    }

    /**
     */
    default void getJob(org.openjobspec.ojs.v1.GetJobRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.GetJobResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetJobMethod(), responseObserver);
    }

    /**
     */
    default void cancelJob(org.openjobspec.ojs.v1.CancelJobRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.CancelJobResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCancelJobMethod(), responseObserver);
    }

    /**
     * <pre>
     * Workers.
     * </pre>
     */
    default void fetch(org.openjobspec.ojs.v1.FetchRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.FetchResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getFetchMethod(), responseObserver);
    }

    /**
     */
    default void ack(org.openjobspec.ojs.v1.AckRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.AckResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getAckMethod(), responseObserver);
    }

    /**
     */
    default void nack(org.openjobspec.ojs.v1.NackRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.NackResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getNackMethod(), responseObserver);
    }

    /**
     */
    default void heartbeat(org.openjobspec.ojs.v1.HeartbeatRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.HeartbeatResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getHeartbeatMethod(), responseObserver);
    }

    /**
     * <pre>
     * Streams: claimed jobs for a worker, and lifecycle events.
     * </pre>
     */
    default void streamJobs(org.openjobspec.ojs.v1.StreamJobsRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.Job> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getStreamJobsMethod(), responseObserver);
    }

    /**
     */
    default void streamEvents(org.openjobspec.ojs.v1.StreamEventsRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.Event> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getStreamEventsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Queues and the dead-letter set.
     * </pre>
     */
    default void listQueues(org.openjobspec.ojs.v1.ListQueuesRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.ListQueuesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListQueuesMethod(), responseObserver);
    }

    /**
     */
    default void queueStats(org.openjobspec.ojs.v1.QueueStatsRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.QueueStatsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getQueueStatsMethod(), responseObserver);
    }

    /**
     */
    default void pauseQueue(org.openjobspec.ojs.v1.PauseQueueRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.PauseQueueResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getPauseQueueMethod(), responseObserver);
    }

    /**
     */
    default void resumeQueue(org.openjobspec.ojs.v1.ResumeQueueRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.ResumeQueueResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getResumeQueueMethod(), responseObserver);
    }

    /**
     */
    default void listDeadLetter(org.openjobspec.ojs.v1.ListDeadLetterRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.ListDeadLetterResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListDeadLetterMethod(), responseObserver);
    }

    /**
     */
    default void retryDeadLetter(org.openjobspec.ojs.v1.RetryDeadLetterRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.RetryDeadLetterResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRetryDeadLetterMethod(), responseObserver);
    }

    /**
     */
    default void deleteDeadLetter(org.openjobspec.ojs.v1.DeleteDeadLetterRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.DeleteDeadLetterResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteDeadLetterMethod(), responseObserver);
    }

    /**
     * <pre>
     * Cron schedules.
     * </pre>
     */
    default void registerCron(org.openjobspec.ojs.v1.RegisterCronRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.RegisterCronResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRegisterCronMethod(), responseObserver);
    }

    /**
     */
    default void unregisterCron(org.openjobspec.ojs.v1.UnregisterCronRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.UnregisterCronResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUnregisterCronMethod(), responseObserver);
    }

    /**
     */
    default void listCron(org.openjobspec.ojs.v1.ListCronRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.ListCronResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListCronMethod(), responseObserver);
    }

    /**
     * <pre>
     * Workflows.
     * </pre>
     */
    default void createWorkflow(org.openjobspec.ojs.v1.CreateWorkflowRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.CreateWorkflowResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateWorkflowMethod(), responseObserver);
    }

    /**
     */
    default void getWorkflow(org.openjobspec.ojs.v1.GetWorkflowRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.GetWorkflowResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetWorkflowMethod(), responseObserver);
    }

    /**
     */
    default void cancelWorkflow(org.openjobspec.ojs.v1.CancelWorkflowRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.CancelWorkflowResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCancelWorkflowMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service OJSService.
   * <pre>
   * Open Job Spec job server. RPCs above the server's conformance level answer UNIMPLEMENTED.
   * </pre>
   */
  public static abstract class OJSServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return OJSServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service OJSService.
   * <pre>
   * Open Job Spec job server. RPCs above the server's conformance level answer UNIMPLEMENTED.
   * </pre>
   */
  public static final class OJSServiceStub
      extends io.grpc.stub.AbstractAsyncStub<OJSServiceStub> {
    private OJSServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected OJSServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new OJSServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Server identity and supported conformance level.
     * </pre>
     */
    public void manifest(org.openjobspec.ojs.v1.ManifestRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.ManifestResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getManifestMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Liveness of the server and its backend.
     * </pre>
     */
    public void health(org.openjobspec.ojs.v1.HealthRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.HealthResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getHealthMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Jobs.
     * </pre>
     */
    public void enqueue(org.openjobspec.ojs.v1.EnqueueRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.EnqueueResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getEnqueueMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void enqueueBatch(org.openjobspec.ojs.v1.EnqueueBatchRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.EnqueueBatchResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getEnqueueBatchMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void getJob(org.openjobspec.ojs.v1.GetJobRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.GetJobResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetJobMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void cancelJob(org.openjobspec.ojs.v1.CancelJobRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.CancelJobResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCancelJobMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Workers.
     * </pre>
     */
    public void fetch(org.openjobspec.ojs.v1.FetchRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.FetchResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getFetchMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void ack(org.openjobspec.ojs.v1.AckRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.AckResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getAckMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void nack(org.openjobspec.ojs.v1.NackRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.NackResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getNackMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void heartbeat(org.openjobspec.ojs.v1.HeartbeatRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.HeartbeatResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getHeartbeatMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Streams: claimed jobs for a worker, and lifecycle events.
     * </pre>
     */
    public void streamJobs(org.openjobspec.ojs.v1.StreamJobsRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.Job> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getStreamJobsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void streamEvents(org.openjobspec.ojs.v1.StreamEventsRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.Event> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getStreamEventsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Queues and the dead-letter set.
     * </pre>
     */
    public void listQueues(org.openjobspec.ojs.v1.ListQueuesRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.ListQueuesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListQueuesMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void queueStats(org.openjobspec.ojs.v1.QueueStatsRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.QueueStatsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getQueueStatsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void pauseQueue(org.openjobspec.ojs.v1.PauseQueueRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.PauseQueueResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getPauseQueueMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void resumeQueue(org.openjobspec.ojs.v1.ResumeQueueRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.ResumeQueueResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getResumeQueueMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void listDeadLetter(org.openjobspec.ojs.v1.ListDeadLetterRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.ListDeadLetterResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListDeadLetterMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void retryDeadLetter(org.openjobspec.ojs.v1.RetryDeadLetterRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.RetryDeadLetterResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRetryDeadLetterMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void deleteDeadLetter(org.openjobspec.ojs.v1.DeleteDeadLetterRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.DeleteDeadLetterResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteDeadLetterMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Cron schedules.
     * </pre>
     */
    public void registerCron(org.openjobspec.ojs.v1.RegisterCronRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.RegisterCronResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRegisterCronMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void unregisterCron(org.openjobspec.ojs.v1.UnregisterCronRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.UnregisterCronResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUnregisterCronMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void listCron(org.openjobspec.ojs.v1.ListCronRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.ListCronResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListCronMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Workflows.
     * </pre>
     */
    public void createWorkflow(org.openjobspec.ojs.v1.CreateWorkflowRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.CreateWorkflowResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateWorkflowMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void getWorkflow(org.openjobspec.ojs.v1.GetWorkflowRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.GetWorkflowResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetWorkflowMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void cancelWorkflow(org.openjobspec.ojs.v1.CancelWorkflowRequest request,
        io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.CancelWorkflowResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCancelWorkflowMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service OJSService.
   * <pre>
   * Open Job Spec job server. RPCs above the server's conformance level answer UNIMPLEMENTED.
   * </pre>
   */
  public static final class OJSServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<OJSServiceBlockingV2Stub> {
    private OJSServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected OJSServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new OJSServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Server identity and supported conformance level.
     * </pre>
     */
    public org.openjobspec.ojs.v1.ManifestResponse manifest(org.openjobspec.ojs.v1.ManifestRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getManifestMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Liveness of the server and its backend.
     * </pre>
     */
    public org.openjobspec.ojs.v1.HealthResponse health(org.openjobspec.ojs.v1.HealthRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getHealthMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Jobs.
     * </pre>
     */
    public org.openjobspec.ojs.v1.EnqueueResponse enqueue(org.openjobspec.ojs.v1.EnqueueRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getEnqueueMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.EnqueueBatchResponse enqueueBatch(org.openjobspec.ojs.v1.EnqueueBatchRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getEnqueueBatchMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.GetJobResponse getJob(org.openjobspec.ojs.v1.GetJobRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetJobMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.CancelJobResponse cancelJob(org.openjobspec.ojs.v1.CancelJobRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCancelJobMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Workers.
     * </pre>
     */
    public org.openjobspec.ojs.v1.FetchResponse fetch(org.openjobspec.ojs.v1.FetchRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getFetchMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.AckResponse ack(org.openjobspec.ojs.v1.AckRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getAckMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.NackResponse nack(org.openjobspec.ojs.v1.NackRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getNackMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.HeartbeatResponse heartbeat(org.openjobspec.ojs.v1.HeartbeatRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getHeartbeatMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Streams: claimed jobs for a worker, and lifecycle events.
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, org.openjobspec.ojs.v1.Job>
        streamJobs(org.openjobspec.ojs.v1.StreamJobsRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getStreamJobsMethod(), getCallOptions(), request);
    }

    /**
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, org.openjobspec.ojs.v1.Event>
        streamEvents(org.openjobspec.ojs.v1.StreamEventsRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getStreamEventsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Queues and the dead-letter set.
     * </pre>
     */
    public org.openjobspec.ojs.v1.ListQueuesResponse listQueues(org.openjobspec.ojs.v1.ListQueuesRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListQueuesMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.QueueStatsResponse queueStats(org.openjobspec.ojs.v1.QueueStatsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getQueueStatsMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.PauseQueueResponse pauseQueue(org.openjobspec.ojs.v1.PauseQueueRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getPauseQueueMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.ResumeQueueResponse resumeQueue(org.openjobspec.ojs.v1.ResumeQueueRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getResumeQueueMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.ListDeadLetterResponse listDeadLetter(org.openjobspec.ojs.v1.ListDeadLetterRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListDeadLetterMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.RetryDeadLetterResponse retryDeadLetter(org.openjobspec.ojs.v1.RetryDeadLetterRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRetryDeadLetterMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.DeleteDeadLetterResponse deleteDeadLetter(org.openjobspec.ojs.v1.DeleteDeadLetterRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getDeleteDeadLetterMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Cron schedules.
     * </pre>
     */
    public org.openjobspec.ojs.v1.RegisterCronResponse registerCron(org.openjobspec.ojs.v1.RegisterCronRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRegisterCronMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.UnregisterCronResponse unregisterCron(org.openjobspec.ojs.v1.UnregisterCronRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUnregisterCronMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.ListCronResponse listCron(org.openjobspec.ojs.v1.ListCronRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListCronMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Workflows.
     * </pre>
     */
    public org.openjobspec.ojs.v1.CreateWorkflowResponse createWorkflow(org.openjobspec.ojs.v1.CreateWorkflowRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateWorkflowMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.GetWorkflowResponse getWorkflow(org.openjobspec.ojs.v1.GetWorkflowRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetWorkflowMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.CancelWorkflowResponse cancelWorkflow(org.openjobspec.ojs.v1.CancelWorkflowRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCancelWorkflowMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service OJSService.
   * <pre>
   * Open Job Spec job server. RPCs above the server's conformance level answer UNIMPLEMENTED.
   * </pre>
   */
  public static final class OJSServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<OJSServiceBlockingStub> {
    private OJSServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected OJSServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new OJSServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Server identity and supported conformance level.
     * </pre>
     */
    public org.openjobspec.ojs.v1.ManifestResponse manifest(org.openjobspec.ojs.v1.ManifestRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getManifestMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Liveness of the server and its backend.
     * </pre>
     */
    public org.openjobspec.ojs.v1.HealthResponse health(org.openjobspec.ojs.v1.HealthRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getHealthMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Jobs.
     * </pre>
     */
    public org.openjobspec.ojs.v1.EnqueueResponse enqueue(org.openjobspec.ojs.v1.EnqueueRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getEnqueueMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.EnqueueBatchResponse enqueueBatch(org.openjobspec.ojs.v1.EnqueueBatchRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getEnqueueBatchMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.GetJobResponse getJob(org.openjobspec.ojs.v1.GetJobRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetJobMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.CancelJobResponse cancelJob(org.openjobspec.ojs.v1.CancelJobRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCancelJobMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Workers.
     * </pre>
     */
    public org.openjobspec.ojs.v1.FetchResponse fetch(org.openjobspec.ojs.v1.FetchRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getFetchMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.AckResponse ack(org.openjobspec.ojs.v1.AckRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getAckMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.NackResponse nack(org.openjobspec.ojs.v1.NackRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getNackMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.HeartbeatResponse heartbeat(org.openjobspec.ojs.v1.HeartbeatRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getHeartbeatMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Streams: claimed jobs for a worker, and lifecycle events.
     * </pre>
     */
    public java.util.Iterator<org.openjobspec.ojs.v1.Job> streamJobs(
        org.openjobspec.ojs.v1.StreamJobsRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getStreamJobsMethod(), getCallOptions(), request);
    }

    /**
     */
    public java.util.Iterator<org.openjobspec.ojs.v1.Event> streamEvents(
        org.openjobspec.ojs.v1.StreamEventsRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getStreamEventsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Queues and the dead-letter set.
     * </pre>
     */
    public org.openjobspec.ojs.v1.ListQueuesResponse listQueues(org.openjobspec.ojs.v1.ListQueuesRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListQueuesMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.QueueStatsResponse queueStats(org.openjobspec.ojs.v1.QueueStatsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getQueueStatsMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.PauseQueueResponse pauseQueue(org.openjobspec.ojs.v1.PauseQueueRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getPauseQueueMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.ResumeQueueResponse resumeQueue(org.openjobspec.ojs.v1.ResumeQueueRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getResumeQueueMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.ListDeadLetterResponse listDeadLetter(org.openjobspec.ojs.v1.ListDeadLetterRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListDeadLetterMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.RetryDeadLetterResponse retryDeadLetter(org.openjobspec.ojs.v1.RetryDeadLetterRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRetryDeadLetterMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.DeleteDeadLetterResponse deleteDeadLetter(org.openjobspec.ojs.v1.DeleteDeadLetterRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteDeadLetterMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Cron schedules.
     * </pre>
     */
    public org.openjobspec.ojs.v1.RegisterCronResponse registerCron(org.openjobspec.ojs.v1.RegisterCronRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRegisterCronMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.UnregisterCronResponse unregisterCron(org.openjobspec.ojs.v1.UnregisterCronRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUnregisterCronMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.ListCronResponse listCron(org.openjobspec.ojs.v1.ListCronRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListCronMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Workflows.
     * </pre>
     */
    public org.openjobspec.ojs.v1.CreateWorkflowResponse createWorkflow(org.openjobspec.ojs.v1.CreateWorkflowRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateWorkflowMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.GetWorkflowResponse getWorkflow(org.openjobspec.ojs.v1.GetWorkflowRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetWorkflowMethod(), getCallOptions(), request);
    }

    /**
     */
    public org.openjobspec.ojs.v1.CancelWorkflowResponse cancelWorkflow(org.openjobspec.ojs.v1.CancelWorkflowRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCancelWorkflowMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service OJSService.
   * <pre>
   * Open Job Spec job server. RPCs above the server's conformance level answer UNIMPLEMENTED.
   * </pre>
   */
  public static final class OJSServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<OJSServiceFutureStub> {
    private OJSServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected OJSServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new OJSServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Server identity and supported conformance level.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.ManifestResponse> manifest(
        org.openjobspec.ojs.v1.ManifestRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getManifestMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Liveness of the server and its backend.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.HealthResponse> health(
        org.openjobspec.ojs.v1.HealthRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getHealthMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Jobs.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.EnqueueResponse> enqueue(
        org.openjobspec.ojs.v1.EnqueueRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getEnqueueMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.EnqueueBatchResponse> enqueueBatch(
        org.openjobspec.ojs.v1.EnqueueBatchRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getEnqueueBatchMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.GetJobResponse> getJob(
        org.openjobspec.ojs.v1.GetJobRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetJobMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.CancelJobResponse> cancelJob(
        org.openjobspec.ojs.v1.CancelJobRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCancelJobMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Workers.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.FetchResponse> fetch(
        org.openjobspec.ojs.v1.FetchRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getFetchMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.AckResponse> ack(
        org.openjobspec.ojs.v1.AckRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getAckMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.NackResponse> nack(
        org.openjobspec.ojs.v1.NackRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getNackMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.HeartbeatResponse> heartbeat(
        org.openjobspec.ojs.v1.HeartbeatRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getHeartbeatMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Queues and the dead-letter set.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.ListQueuesResponse> listQueues(
        org.openjobspec.ojs.v1.ListQueuesRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListQueuesMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.QueueStatsResponse> queueStats(
        org.openjobspec.ojs.v1.QueueStatsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getQueueStatsMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.PauseQueueResponse> pauseQueue(
        org.openjobspec.ojs.v1.PauseQueueRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getPauseQueueMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.ResumeQueueResponse> resumeQueue(
        org.openjobspec.ojs.v1.ResumeQueueRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getResumeQueueMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.ListDeadLetterResponse> listDeadLetter(
        org.openjobspec.ojs.v1.ListDeadLetterRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListDeadLetterMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.RetryDeadLetterResponse> retryDeadLetter(
        org.openjobspec.ojs.v1.RetryDeadLetterRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRetryDeadLetterMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.DeleteDeadLetterResponse> deleteDeadLetter(
        org.openjobspec.ojs.v1.DeleteDeadLetterRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteDeadLetterMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Cron schedules.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.RegisterCronResponse> registerCron(
        org.openjobspec.ojs.v1.RegisterCronRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRegisterCronMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.UnregisterCronResponse> unregisterCron(
        org.openjobspec.ojs.v1.UnregisterCronRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUnregisterCronMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.ListCronResponse> listCron(
        org.openjobspec.ojs.v1.ListCronRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListCronMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Workflows.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.CreateWorkflowResponse> createWorkflow(
        org.openjobspec.ojs.v1.CreateWorkflowRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateWorkflowMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.GetWorkflowResponse> getWorkflow(
        org.openjobspec.ojs.v1.GetWorkflowRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetWorkflowMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<org.openjobspec.ojs.v1.CancelWorkflowResponse> cancelWorkflow(
        org.openjobspec.ojs.v1.CancelWorkflowRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCancelWorkflowMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_MANIFEST = 0;
  private static final int METHODID_HEALTH = 1;
  private static final int METHODID_ENQUEUE = 2;
  private static final int METHODID_ENQUEUE_BATCH = 3;
  private static final int METHODID_GET_JOB = 4;
  private static final int METHODID_CANCEL_JOB = 5;
  private static final int METHODID_FETCH = 6;
  private static final int METHODID_ACK = 7;
  private static final int METHODID_NACK = 8;
  private static final int METHODID_HEARTBEAT = 9;
  private static final int METHODID_STREAM_JOBS = 10;
  private static final int METHODID_STREAM_EVENTS = 11;
  private static final int METHODID_LIST_QUEUES = 12;
  private static final int METHODID_QUEUE_STATS = 13;
  private static final int METHODID_PAUSE_QUEUE = 14;
  private static final int METHODID_RESUME_QUEUE = 15;
  private static final int METHODID_LIST_DEAD_LETTER = 16;
  private static final int METHODID_RETRY_DEAD_LETTER = 17;
  private static final int METHODID_DELETE_DEAD_LETTER = 18;
  private static final int METHODID_REGISTER_CRON = 19;
  private static final int METHODID_UNREGISTER_CRON = 20;
  private static final int METHODID_LIST_CRON = 21;
  private static final int METHODID_CREATE_WORKFLOW = 22;
  private static final int METHODID_GET_WORKFLOW = 23;
  private static final int METHODID_CANCEL_WORKFLOW = 24;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final AsyncService serviceImpl;
    private final int methodId;

    MethodHandlers(AsyncService serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_MANIFEST:
          serviceImpl.manifest((org.openjobspec.ojs.v1.ManifestRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.ManifestResponse>) responseObserver);
          break;
        case METHODID_HEALTH:
          serviceImpl.health((org.openjobspec.ojs.v1.HealthRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.HealthResponse>) responseObserver);
          break;
        case METHODID_ENQUEUE:
          serviceImpl.enqueue((org.openjobspec.ojs.v1.EnqueueRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.EnqueueResponse>) responseObserver);
          break;
        case METHODID_ENQUEUE_BATCH:
          serviceImpl.enqueueBatch((org.openjobspec.ojs.v1.EnqueueBatchRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.EnqueueBatchResponse>) responseObserver);
          break;
        case METHODID_GET_JOB:
          serviceImpl.getJob((org.openjobspec.ojs.v1.GetJobRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.GetJobResponse>) responseObserver);
          break;
        case METHODID_CANCEL_JOB:
          serviceImpl.cancelJob((org.openjobspec.ojs.v1.CancelJobRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.CancelJobResponse>) responseObserver);
          break;
        case METHODID_FETCH:
          serviceImpl.fetch((org.openjobspec.ojs.v1.FetchRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.FetchResponse>) responseObserver);
          break;
        case METHODID_ACK:
          serviceImpl.ack((org.openjobspec.ojs.v1.AckRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.AckResponse>) responseObserver);
          break;
        case METHODID_NACK:
          serviceImpl.nack((org.openjobspec.ojs.v1.NackRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.NackResponse>) responseObserver);
          break;
        case METHODID_HEARTBEAT:
          serviceImpl.heartbeat((org.openjobspec.ojs.v1.HeartbeatRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.HeartbeatResponse>) responseObserver);
          break;
        case METHODID_STREAM_JOBS:
          serviceImpl.streamJobs((org.openjobspec.ojs.v1.StreamJobsRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.Job>) responseObserver);
          break;
        case METHODID_STREAM_EVENTS:
          serviceImpl.streamEvents((org.openjobspec.ojs.v1.StreamEventsRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.Event>) responseObserver);
          break;
        case METHODID_LIST_QUEUES:
          serviceImpl.listQueues((org.openjobspec.ojs.v1.ListQueuesRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.ListQueuesResponse>) responseObserver);
          break;
        case METHODID_QUEUE_STATS:
          serviceImpl.queueStats((org.openjobspec.ojs.v1.QueueStatsRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.QueueStatsResponse>) responseObserver);
          break;
        case METHODID_PAUSE_QUEUE:
          serviceImpl.pauseQueue((org.openjobspec.ojs.v1.PauseQueueRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.PauseQueueResponse>) responseObserver);
          break;
        case METHODID_RESUME_QUEUE:
          serviceImpl.resumeQueue((org.openjobspec.ojs.v1.ResumeQueueRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.ResumeQueueResponse>) responseObserver);
          break;
        case METHODID_LIST_DEAD_LETTER:
          serviceImpl.listDeadLetter((org.openjobspec.ojs.v1.ListDeadLetterRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.ListDeadLetterResponse>) responseObserver);
          break;
        case METHODID_RETRY_DEAD_LETTER:
          serviceImpl.retryDeadLetter((org.openjobspec.ojs.v1.RetryDeadLetterRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.RetryDeadLetterResponse>) responseObserver);
          break;
        case METHODID_DELETE_DEAD_LETTER:
          serviceImpl.deleteDeadLetter((org.openjobspec.ojs.v1.DeleteDeadLetterRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.DeleteDeadLetterResponse>) responseObserver);
          break;
        case METHODID_REGISTER_CRON:
          serviceImpl.registerCron((org.openjobspec.ojs.v1.RegisterCronRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.RegisterCronResponse>) responseObserver);
          break;
        case METHODID_UNREGISTER_CRON:
          serviceImpl.unregisterCron((org.openjobspec.ojs.v1.UnregisterCronRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.UnregisterCronResponse>) responseObserver);
          break;
        case METHODID_LIST_CRON:
          serviceImpl.listCron((org.openjobspec.ojs.v1.ListCronRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.ListCronResponse>) responseObserver);
          break;
        case METHODID_CREATE_WORKFLOW:
          serviceImpl.createWorkflow((org.openjobspec.ojs.v1.CreateWorkflowRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.CreateWorkflowResponse>) responseObserver);
          break;
        case METHODID_GET_WORKFLOW:
          serviceImpl.getWorkflow((org.openjobspec.ojs.v1.GetWorkflowRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.GetWorkflowResponse>) responseObserver);
          break;
        case METHODID_CANCEL_WORKFLOW:
          serviceImpl.cancelWorkflow((org.openjobspec.ojs.v1.CancelWorkflowRequest) request,
              (io.grpc.stub.StreamObserver<org.openjobspec.ojs.v1.CancelWorkflowResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        default:
          throw new AssertionError();
      }
    }
  }

  public static final io.grpc.ServerServiceDefinition bindService(AsyncService service) {
    return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
        .addMethod(
          getManifestMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.ManifestRequest,
              org.openjobspec.ojs.v1.ManifestResponse>(
                service, METHODID_MANIFEST)))
        .addMethod(
          getHealthMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.HealthRequest,
              org.openjobspec.ojs.v1.HealthResponse>(
                service, METHODID_HEALTH)))
        .addMethod(
          getEnqueueMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.EnqueueRequest,
              org.openjobspec.ojs.v1.EnqueueResponse>(
                service, METHODID_ENQUEUE)))
        .addMethod(
          getEnqueueBatchMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.EnqueueBatchRequest,
              org.openjobspec.ojs.v1.EnqueueBatchResponse>(
                service, METHODID_ENQUEUE_BATCH)))
        .addMethod(
          getGetJobMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.GetJobRequest,
              org.openjobspec.ojs.v1.GetJobResponse>(
                service, METHODID_GET_JOB)))
        .addMethod(
          getCancelJobMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.CancelJobRequest,
              org.openjobspec.ojs.v1.CancelJobResponse>(
                service, METHODID_CANCEL_JOB)))
        .addMethod(
          getFetchMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.FetchRequest,
              org.openjobspec.ojs.v1.FetchResponse>(
                service, METHODID_FETCH)))
        .addMethod(
          getAckMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.AckRequest,
              org.openjobspec.ojs.v1.AckResponse>(
                service, METHODID_ACK)))
        .addMethod(
          getNackMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.NackRequest,
              org.openjobspec.ojs.v1.NackResponse>(
                service, METHODID_NACK)))
        .addMethod(
          getHeartbeatMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.HeartbeatRequest,
              org.openjobspec.ojs.v1.HeartbeatResponse>(
                service, METHODID_HEARTBEAT)))
        .addMethod(
          getStreamJobsMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.StreamJobsRequest,
              org.openjobspec.ojs.v1.Job>(
                service, METHODID_STREAM_JOBS)))
        .addMethod(
          getStreamEventsMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.StreamEventsRequest,
              org.openjobspec.ojs.v1.Event>(
                service, METHODID_STREAM_EVENTS)))
        .addMethod(
          getListQueuesMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.ListQueuesRequest,
              org.openjobspec.ojs.v1.ListQueuesResponse>(
                service, METHODID_LIST_QUEUES)))
        .addMethod(
          getQueueStatsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.QueueStatsRequest,
              org.openjobspec.ojs.v1.QueueStatsResponse>(
                service, METHODID_QUEUE_STATS)))
        .addMethod(
          getPauseQueueMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.PauseQueueRequest,
              org.openjobspec.ojs.v1.PauseQueueResponse>(
                service, METHODID_PAUSE_QUEUE)))
        .addMethod(
          getResumeQueueMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.ResumeQueueRequest,
              org.openjobspec.ojs.v1.ResumeQueueResponse>(
                service, METHODID_RESUME_QUEUE)))
        .addMethod(
          getListDeadLetterMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.ListDeadLetterRequest,
              org.openjobspec.ojs.v1.ListDeadLetterResponse>(
                service, METHODID_LIST_DEAD_LETTER)))
        .addMethod(
          getRetryDeadLetterMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.RetryDeadLetterRequest,
              org.openjobspec.ojs.v1.RetryDeadLetterResponse>(
                service, METHODID_RETRY_DEAD_LETTER)))
        .addMethod(
          getDeleteDeadLetterMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.DeleteDeadLetterRequest,
              org.openjobspec.ojs.v1.DeleteDeadLetterResponse>(
                service, METHODID_DELETE_DEAD_LETTER)))
        .addMethod(
          getRegisterCronMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.RegisterCronRequest,
              org.openjobspec.ojs.v1.RegisterCronResponse>(
                service, METHODID_REGISTER_CRON)))
        .addMethod(
          getUnregisterCronMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.UnregisterCronRequest,
              org.openjobspec.ojs.v1.UnregisterCronResponse>(
                service, METHODID_UNREGISTER_CRON)))
        .addMethod(
          getListCronMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.ListCronRequest,
              org.openjobspec.ojs.v1.ListCronResponse>(
                service, METHODID_LIST_CRON)))
        .addMethod(
          getCreateWorkflowMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.CreateWorkflowRequest,
              org.openjobspec.ojs.v1.CreateWorkflowResponse>(
                service, METHODID_CREATE_WORKFLOW)))
        .addMethod(
          getGetWorkflowMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.GetWorkflowRequest,
              org.openjobspec.ojs.v1.GetWorkflowResponse>(
                service, METHODID_GET_WORKFLOW)))
        .addMethod(
          getCancelWorkflowMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              org.openjobspec.ojs.v1.CancelWorkflowRequest,
              org.openjobspec.ojs.v1.CancelWorkflowResponse>(
                service, METHODID_CANCEL_WORKFLOW)))
        .build();
  }

  private static abstract class OJSServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    OJSServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return org.openjobspec.ojs.v1.Service.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("OJSService");
    }
  }

  private static final class OJSServiceFileDescriptorSupplier
      extends OJSServiceBaseDescriptorSupplier {
    OJSServiceFileDescriptorSupplier() {}
  }

  private static final class OJSServiceMethodDescriptorSupplier
      extends OJSServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    OJSServiceMethodDescriptorSupplier(java.lang.String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (OJSServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new OJSServiceFileDescriptorSupplier())
              .addMethod(getManifestMethod())
              .addMethod(getHealthMethod())
              .addMethod(getEnqueueMethod())
              .addMethod(getEnqueueBatchMethod())
              .addMethod(getGetJobMethod())
              .addMethod(getCancelJobMethod())
              .addMethod(getFetchMethod())
              .addMethod(getAckMethod())
              .addMethod(getNackMethod())
              .addMethod(getHeartbeatMethod())
              .addMethod(getStreamJobsMethod())
              .addMethod(getStreamEventsMethod())
              .addMethod(getListQueuesMethod())
              .addMethod(getQueueStatsMethod())
              .addMethod(getPauseQueueMethod())
              .addMethod(getResumeQueueMethod())
              .addMethod(getListDeadLetterMethod())
              .addMethod(getRetryDeadLetterMethod())
              .addMethod(getDeleteDeadLetterMethod())
              .addMethod(getRegisterCronMethod())
              .addMethod(getUnregisterCronMethod())
              .addMethod(getListCronMethod())
              .addMethod(getCreateWorkflowMethod())
              .addMethod(getGetWorkflowMethod())
              .addMethod(getCancelWorkflowMethod())
              .build();
        }
      }
    }
    return result;
  }
}
