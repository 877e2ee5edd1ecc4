package dev.ojsgrpc.examples.worker;

import com.google.protobuf.Struct;
import org.openjobspec.ojs.v1.Job;

/** Runs one job type. Returning acks the job with the result; throwing nacks it. */
@FunctionalInterface
public interface Handler {
  /**
   * Handles one attempt of {@code job}.
   *
   * @return the job's result (an empty {@link Struct} for none)
   * @throws JobFailure to nack with a chosen code, retryability and details
   * @throws Exception any other failure nacks with code {@code handler_error}
   */
  Struct handle(Job job) throws Exception;
}
