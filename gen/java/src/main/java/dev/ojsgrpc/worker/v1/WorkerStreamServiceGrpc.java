package dev.ojsgrpc.worker.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class WorkerStreamServiceGrpc {

  private WorkerStreamServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "ojsgrpc.worker.v1.WorkerStreamService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.ojsgrpc.worker.v1.ConnectRequest,
      dev.ojsgrpc.worker.v1.ConnectResponse> getConnectMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Connect",
      requestType = dev.ojsgrpc.worker.v1.ConnectRequest.class,
      responseType = dev.ojsgrpc.worker.v1.ConnectResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING)
  public static io.grpc.MethodDescriptor<dev.ojsgrpc.worker.v1.ConnectRequest,
      dev.ojsgrpc.worker.v1.ConnectResponse> getConnectMethod() {
    io.grpc.MethodDescriptor<dev.ojsgrpc.worker.v1.ConnectRequest, dev.ojsgrpc.worker.v1.ConnectResponse> getConnectMethod;
    if ((getConnectMethod = WorkerStreamServiceGrpc.getConnectMethod) == null) {
      synchronized (WorkerStreamServiceGrpc.class) {
        if ((getConnectMethod = WorkerStreamServiceGrpc.getConnectMethod) == null) {
          WorkerStreamServiceGrpc.getConnectMethod = getConnectMethod =
              io.grpc.MethodDescriptor.<dev.ojsgrpc.worker.v1.ConnectRequest, dev.ojsgrpc.worker.v1.ConnectResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Connect"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.ojsgrpc.worker.v1.ConnectRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.ojsgrpc.worker.v1.ConnectResponse.getDefaultInstance()))
              .setSchemaDescriptor(new WorkerStreamServiceMethodDescriptorSupplier("Connect"))
              .build();
        }
      }
    }
    return getConnectMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static WorkerStreamServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<WorkerStreamServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<WorkerStreamServiceStub>() {
        @java.lang.Override
        public WorkerStreamServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new WorkerStreamServiceStub(channel, callOptions);
        }
      };
    return WorkerStreamServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static WorkerStreamServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<WorkerStreamServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<WorkerStreamServiceBlockingV2Stub>() {
        @java.lang.Override
        public WorkerStreamServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new WorkerStreamServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return WorkerStreamServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static WorkerStreamServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<WorkerStreamServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<WorkerStreamServiceBlockingStub>() {
        @java.lang.Override
        public WorkerStreamServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new WorkerStreamServiceBlockingStub(channel, callOptions);
        }
      };
    return WorkerStreamServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static WorkerStreamServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<WorkerStreamServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<WorkerStreamServiceFutureStub>() {
        @java.lang.Override
        public WorkerStreamServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new WorkerStreamServiceFutureStub(channel, callOptions);
        }
      };
    return WorkerStreamServiceFutureStub.newStub(factory, channel);
  }

  /**
   */
  public interface AsyncService {

    /**
     * <pre>
     * A worker session. The first request must carry `hello`; the first response
     * carries `welcome`. Either side may batch several parts into one message.
     * </pre>
     */
    default io.grpc.stub.StreamObserver<dev.ojsgrpc.worker.v1.ConnectRequest> connect(
        io.grpc.stub.StreamObserver<dev.ojsgrpc.worker.v1.ConnectResponse> responseObserver) {
      return io.grpc.stub.ServerCalls.asyncUnimplementedStreamingCall(getConnectMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service WorkerStreamService.
   */
  public static abstract class WorkerStreamServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return WorkerStreamServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service WorkerStreamService.
   */
  public static final class WorkerStreamServiceStub
      extends io.grpc.stub.AbstractAsyncStub<WorkerStreamServiceStub> {
    private WorkerStreamServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected WorkerStreamServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new WorkerStreamServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * A worker session. The first request must carry `hello`; the first response
     * carries `welcome`. Either side may batch several parts into one message.
     * </pre>
     */
    public io.grpc.stub.StreamObserver<dev.ojsgrpc.worker.v1.ConnectRequest> connect(
        io.grpc.stub.StreamObserver<dev.ojsgrpc.worker.v1.ConnectResponse> responseObserver) {
      return io.grpc.stub.ClientCalls.asyncBidiStreamingCall(
          getChannel().newCall(getConnectMethod(), getCallOptions()), responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service WorkerStreamService.
   */
  public static final class WorkerStreamServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<WorkerStreamServiceBlockingV2Stub> {
    private WorkerStreamServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected WorkerStreamServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new WorkerStreamServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * A worker session. The first request must carry `hello`; the first response
     * carries `welcome`. Either side may batch several parts into one message.
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<dev.ojsgrpc.worker.v1.ConnectRequest, dev.ojsgrpc.worker.v1.ConnectResponse>
        connect() {
      return io.grpc.stub.ClientCalls.blockingBidiStreamingCall(
          getChannel(), getConnectMethod(), getCallOptions());
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service WorkerStreamService.
   */
  public static final class WorkerStreamServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<WorkerStreamServiceBlockingStub> {
    private WorkerStreamServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected WorkerStreamServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new WorkerStreamServiceBlockingStub(channel, callOptions);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service WorkerStreamService.
   */
  public static final class WorkerStreamServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<WorkerStreamServiceFutureStub> {
    private WorkerStreamServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected WorkerStreamServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new WorkerStreamServiceFutureStub(channel, callOptions);
    }
  }

  private static final int METHODID_CONNECT = 0;

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
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_CONNECT:
          return (io.grpc.stub.StreamObserver<Req>) serviceImpl.connect(
              (io.grpc.stub.StreamObserver<dev.ojsgrpc.worker.v1.ConnectResponse>) responseObserver);
        default:
          throw new AssertionError();
      }
    }
  }

  public static final io.grpc.ServerServiceDefinition bindService(AsyncService service) {
    return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
        .addMethod(
          getConnectMethod(),
          io.grpc.stub.ServerCalls.asyncBidiStreamingCall(
            new MethodHandlers<
              dev.ojsgrpc.worker.v1.ConnectRequest,
              dev.ojsgrpc.worker.v1.ConnectResponse>(
                service, METHODID_CONNECT)))
        .build();
  }

  private static abstract class WorkerStreamServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    WorkerStreamServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.ojsgrpc.worker.v1.WorkerStream.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("WorkerStreamService");
    }
  }

  private static final class WorkerStreamServiceFileDescriptorSupplier
      extends WorkerStreamServiceBaseDescriptorSupplier {
    WorkerStreamServiceFileDescriptorSupplier() {}
  }

  private static final class WorkerStreamServiceMethodDescriptorSupplier
      extends WorkerStreamServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    WorkerStreamServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (WorkerStreamServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new WorkerStreamServiceFileDescriptorSupplier())
              .addMethod(getConnectMethod())
              .build();
        }
      }
    }
    return result;
  }
}
