package dev.ojsgrpc.examples.worker;

import com.google.protobuf.Struct;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openjobspec.ojs.v1.AckRequest;
import org.openjobspec.ojs.v1.FetchRequest;
import org.openjobspec.ojs.v1.HeartbeatRequest;
import org.openjobspec.ojs.v1.Job;
import org.openjobspec.ojs.v1.JobError;
import org.openjobspec.ojs.v1.NackRequest;
import org.openjobspec.ojs.v1.OJSServiceGrpc;
import org.openjobspec.ojs.v1.OJSServiceGrpc.OJSServiceBlockingStub;
import org.openjobspec.ojs.v1.StreamJobsRequest;

/**
 * Consumes OJS jobs from a gateway over the ojs.v1 gRPC binding and runs them on a thread pool.
 *
 * <p>Jobs come from {@code StreamJobs} (the server pushes at most {@code concurrency} unfinished
 * jobs); if the server answers UNIMPLEMENTED the worker polls {@code Fetch} instead. While a
 * handler runs, the job's lease is extended by a unary {@code Heartbeat} every third of its
 * visibility timeout. Ack, Nack and Heartbeat carry the attempt held as the lease token ({@code
 * x-ojs-lease-token}), so a stale attempt can never complete a redelivered job.
 */
public final class Worker {
  private static final Metadata.Key<String> LEASE_TOKEN =
      Metadata.Key.of("x-ojs-lease-token", Metadata.ASCII_STRING_MARSHALLER);
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);

  /** The lease assumed for a job that does not say its visibility timeout. */
  private static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

  private static final Duration MAX_POLL_INTERVAL = Duration.ofSeconds(1);

  private final OJSServiceBlockingStub stub;
  private final List<String> queues;
  private final String workerId;
  private final int concurrency;
  private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
  private final ExecutorService pool;
  private final ScheduledExecutorService beats =
      Executors.newSingleThreadScheduledExecutor(daemon("ojs-heartbeat"));
  // A slot per handler thread: jobs are taken only when one is free.
  private final Semaphore slots;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private volatile Context.CancellableContext streamCall;

  /**
   * A worker for {@code queues} on {@code channel}.
   *
   * @param concurrency jobs run at once (and the StreamJobs {@code max_concurrent})
   */
  public Worker(Channel channel, List<String> queues, String workerId, int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1");
    }
    this.stub = OJSServiceGrpc.newBlockingStub(channel);
    this.queues = List.copyOf(queues);
    this.workerId = workerId;
    this.concurrency = concurrency;
    this.pool = Executors.newFixedThreadPool(concurrency, daemon("ojs-job"));
    this.slots = new Semaphore(concurrency);
  }

  /** Runs {@code handler} for jobs of type {@code type}. */
  public Worker register(String type, Handler handler) {
    handlers.put(type, handler);
    return this;
  }

  /**
   * Takes and runs jobs until {@link #stop()}, then waits up to {@code grace} for the jobs in
   * flight to finish (and be acked or nacked) before it returns.
   */
  public void run(Duration grace) throws InterruptedException {
    log(
        "worker %s: queues %s, concurrency %d, handlers %s",
        workerId, queues, concurrency, new TreeSet<>(handlers.keySet()));
    if (!consumeStream()) {
      consumeFetch();
    }
    pool.shutdown();
    if (!pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      log("jobs still running after the grace period: their leases will expire");
    }
    beats.shutdownNow();
    log("stopped");
  }

  /** Stops taking jobs (from any thread); the jobs in flight still finish. */
  public void stop() {
    if (stopping()) {
      return;
    }
    stopRequested.countDown();
    log("stopping: finishing %d jobs in flight", concurrency - slots.availablePermits());
    Context.CancellableContext call = streamCall;
    if (call != null) {
      call.cancel(null);
    }
  }

  private boolean stopping() {
    return stopRequested.getCount() == 0;
  }

  /** Consumes StreamJobs until stopped; false when the server does not have it. */
  private boolean consumeStream() throws InterruptedException {
    StreamJobsRequest request =
        StreamJobsRequest.newBuilder()
            .addAllQueues(queues)
            .setWorkerId(workerId)
            .setMaxConcurrent(concurrency)
            .build();
    long backoffMs = 100;
    while (true) {
      Context.CancellableContext call = Context.current().withCancellation();
      streamCall = call;
      // Checked after publishing the call, so a concurrent stop() either sees it or is seen.
      if (stopping()) {
        return true;
      }
      AtomicBoolean subscribed = new AtomicBoolean();
      OJSServiceBlockingStub streaming = stub.withInterceptors(onHeaders(subscribed));
      try {
        call.run(
            () -> {
              Iterator<Job> jobs = streaming.streamJobs(request);
              while (jobs.hasNext()) {
                Job job = jobs.next();
                slots.acquireUninterruptibly();
                dispatch(job);
              }
            });
      } catch (StatusRuntimeException e) {
        if (stopping()) {
          return true;
        }
        if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
          log("StreamJobs is not available (%s): polling Fetch", e.getStatus().getCode());
          return false;
        }
        log("job stream ended (%s); reconnecting", e.getStatus().getCode());
      } finally {
        call.cancel(null);
      }
      backoffMs = subscribed.get() ? 100 : Math.min(backoffMs * 2, 5_000);
      if (stopRequested.await(backoffMs, TimeUnit.MILLISECONDS)) {
        return true;
      }
    }
  }

  /**
   * Logs that the stream is live when its response headers arrive: the gateway sends them once it
   * is subscribed to the queues, so from then on every enqueue reaches this worker.
   */
  private ClientInterceptor onHeaders(AtomicBoolean subscribed) {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(
          MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(
            next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            super.start(
                new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                  @Override
                  public void onHeaders(Metadata responseHeaders) {
                    subscribed.set(true);
                    log("streaming jobs from %s (StreamJobs)", queues);
                    super.onHeaders(responseHeaders);
                  }
                },
                headers);
          }
        };
      }
    };
  }

  /** Polls Fetch for as many jobs as there are free slots, backing off while idle. */
  private void consumeFetch() throws InterruptedException {
    log("polling jobs from %s (Fetch)", queues);
    long idleMs = 20;
    while (true) {
      slots.acquire();
      // Checked after waiting for a slot: a stop() meanwhile means no more fetches.
      if (stopping()) {
        slots.release();
        return;
      }
      int free = 1 + slots.drainPermits();
      List<Job> jobs = List.of();
      try {
        jobs =
            stub.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .fetch(
                    FetchRequest.newBuilder()
                        .addAllQueues(queues)
                        .setWorkerId(workerId)
                        .setCount(free)
                        .build())
                .getJobsList();
      } catch (StatusRuntimeException e) {
        log("fetch failed: %s", e.getStatus());
      }
      for (Job job : jobs) {
        dispatch(job);
      }
      slots.release(free - jobs.size());
      if (jobs.isEmpty()) {
        stopRequested.await(idleMs, TimeUnit.MILLISECONDS);
        idleMs = Math.min(idleMs * 2, MAX_POLL_INTERVAL.toMillis());
      } else {
        idleMs = 20;
      }
    }
  }

  private void dispatch(Job job) {
    pool.execute(
        () -> {
          try {
            execute(job);
          } finally {
            slots.release();
          }
        });
  }

  private void execute(Job job) {
    log("start %s %s (attempt %d)", job.getType(), job.getId(), job.getAttempt());
    Metadata token = new Metadata();
    token.put(LEASE_TOKEN, Integer.toString(job.getAttempt()));
    OJSServiceBlockingStub leased =
        stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(token));
    Duration lease =
        job.hasVisibilityTimeout()
            ? Duration.ofSeconds(
                job.getVisibilityTimeout().getSeconds(), job.getVisibilityTimeout().getNanos())
            : DEFAULT_LEASE;
    long beatMs = Math.max(100, lease.toMillis() / 3);
    // Held by a heartbeat while its call is in flight: the ack waits for it, so a late
    // beat never reaches the server after the job was settled.
    Object beatLock = new Object();
    ScheduledFuture<?> beat =
        beats.scheduleAtFixedRate(
            () -> {
              synchronized (beatLock) {
                heartbeat(leased, job);
              }
            },
            beatMs,
            beatMs,
            TimeUnit.MILLISECONDS);
    Struct result = null;
    JobError error = null;
    try {
      Handler handler = handlers.get(job.getType());
      if (handler == null) {
        throw new JobFailure(
            "handler_not_found",
            "java worker has no handler for job type " + job.getType(),
            false,
            Values.struct("lang", Values.of("java")));
      }
      result = handler.handle(job);
    } catch (JobFailure f) {
      error = jobError(f.code(), f.getMessage(), f.retryable(), f.details(), f);
    } catch (Exception e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      // error_class is the error's type on the server: non_retryable_errors can name it.
      Struct details =
          Values.struct(
              "error_class", Values.of(e.getClass().getName()), "lang", Values.of("java"));
      error = jobError("handler_error", "java worker: " + message, true, details, e);
    } finally {
      beat.cancel(false);
      synchronized (beatLock) {
        // a beat that was running has finished; none starts after cancel
      }
    }
    OJSServiceBlockingStub call =
        leased.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    try {
      if (error == null) {
        AckRequest.Builder ack = AckRequest.newBuilder().setJobId(job.getId());
        if (result != null) {
          ack.setResult(result);
        }
        call.ack(ack.build());
        log("ack %s %s", job.getType(), job.getId());
      } else {
        call.nack(NackRequest.newBuilder().setJobId(job.getId()).setError(error).build());
        log("nack %s %s: %s", job.getType(), job.getId(), error.getMessage());
      }
    } catch (StatusRuntimeException e) {
      // FAILED_PRECONDITION: our lease ended and the job was handed to another attempt.
      log("%s of %s failed: %s", error == null ? "ack" : "nack", job.getId(), e.getStatus());
    }
  }

  private static JobError jobError(
      String code, String message, boolean retryable, Struct details, Throwable cause) {
    return JobError.newBuilder()
        .setCode(code)
        .setMessage(message)
        .setRetryable(retryable)
        .setDetails(details)
        .setBacktrace(stackTrace(cause))
        .build();
  }

  private void heartbeat(OJSServiceBlockingStub leased, Job job) {
    try {
      HeartbeatRequest beat =
          HeartbeatRequest.newBuilder().setId(job.getId()).setWorkerId(workerId).build();
      leased.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS).heartbeat(beat);
    } catch (StatusRuntimeException e) {
      // The handler keeps running: the ack or nack reports whether the lease was lost.
      log("heartbeat of %s failed: %s", job.getId(), e.getStatus());
    }
  }

  /**
   * One line on stderr. Not java.util.logging: its shutdown hook closes the handlers as soon as
   * SIGTERM arrives, which would hide how the drain went.
   */
  static void log(String format, Object... args) {
    System.err.println("ojs-java-worker: " + String.format(format, args));
  }

  private static String stackTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
