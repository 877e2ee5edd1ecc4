package dev.ojsgrpc.examples.worker;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar ojs-java-worker.jar [--url HOST:PORT] [--queue Q]... [--concurrency N]}: runs
 * the interop handlers against an OJS gateway until SIGTERM or SIGINT, then finishes the jobs in
 * flight and exits (status 143, the JVM's after SIGTERM).
 *
 * <p>Defaults come from the environment: {@code OJS_URL} (else {@code localhost:9090}; a {@code
 * grpc://} prefix is accepted), {@code OJS_QUEUE} (comma-separated, else {@code default}), {@code
 * OJS_CONCURRENCY} (else 4), {@code OJS_WORKER_ID}.
 */
public final class Main {
  private static final Duration GRACE = Duration.ofSeconds(30);

  private Main() {}

  /** Entry point. */
  public static void main(String[] args) throws InterruptedException {
    String url = env("OJS_URL", "localhost:9090");
    List<String> queues = new ArrayList<>();
    int concurrency = Integer.parseInt(env("OJS_CONCURRENCY", "4"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--url" -> url = args[++i];
        case "--queue" -> queues.addAll(Arrays.asList(args[++i].split(",")));
        case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
        default -> {
          System.err.println(
              "usage: ojs-java-worker [--url HOST:PORT] [--queue Q]... [--concurrency N]");
          System.exit(2);
        }
      }
    }
    if (queues.isEmpty()) {
      queues.addAll(Arrays.asList(env("OJS_QUEUE", "default").split(",")));
    }
    String workerId =
        env("OJS_WORKER_ID", "java-" + ManagementFactory.getRuntimeMXBean().getName());

    ManagedChannel channel =
        ManagedChannelBuilder.forTarget(url.replaceFirst("^grpc://", "")).usePlaintext().build();
    Worker worker = InteropHandlers.registerAll(new Worker(channel, queues, workerId, concurrency));

    // SIGTERM / SIGINT: stop taking jobs and let run() drain; the JVM exits once this hook
    // returns, so it waits for main to finish.
    CountDownLatch finished = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  worker.stop();
                  try {
                    finished.await(GRACE.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "ojs-shutdown"));
    try {
      worker.run(GRACE);
    } finally {
      channel.shutdown().awaitTermination(5, TimeUnit.SECONDS);
      finished.countDown();
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }
}
