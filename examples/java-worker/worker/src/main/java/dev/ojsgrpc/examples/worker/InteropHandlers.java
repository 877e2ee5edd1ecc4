package dev.ojsgrpc.examples.worker;

import com.google.protobuf.Struct;
import org.openjobspec.ojs.v1.Job;

/** The handlers the cross-language interop tests enqueue jobs for. */
public final class InteropHandlers {
  private InteropHandlers() {}

  /** Registers {@code interop.echo}, {@code interop.fail} and {@code interop.slow}. */
  public static Worker registerAll(Worker worker) {
    return worker
        .register("interop.echo", InteropHandlers::echo)
        .register("interop.fail", InteropHandlers::fail)
        .register("interop.slow", InteropHandlers::slow);
  }

  /** Result {@code {"echo": args, "lang": "java"}}. */
  static Struct echo(Job job) {
    return Values.struct("echo", Values.of(job.getArgsList()), "lang", Values.of("java"));
  }

  /** Always fails; the job's retry policy decides what happens next. */
  static Struct fail(Job job) {
    throw new IllegalStateException(
        "interop.fail raised in the java worker (attempt " + job.getAttempt() + ")");
  }

  /** Sleeps {@code args[0]} seconds (the worker heartbeats meanwhile), then succeeds. */
  static Struct slow(Job job) throws InterruptedException {
    double seconds = job.getArgsCount() > 0 ? job.getArgs(0).getNumberValue() : 1.0;
    Thread.sleep((long) (seconds * 1000));
    return Values.struct("slept", Values.of(seconds), "lang", Values.of("java"));
  }
}
