package dev.ojsgrpc.examples.worker;

import com.google.protobuf.Struct;

/** A handler failure reported as it is: its code, retryability and details go into the Nack. */
public class JobFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final boolean retryable;
  private final transient Struct details;

  /** A failure with an OJS error code; a non-retryable one skips the remaining attempts. */
  public JobFailure(String code, String message, boolean retryable, Struct details) {
    super(message);
    this.code = code;
    this.retryable = retryable;
    this.details = details;
  }

  /** The error code recorded in the job's error history. */
  public String code() {
    return code;
  }

  /** Whether the server may retry the job under its retry policy. */
  public boolean retryable() {
    return retryable;
  }

  /** Structured details recorded with the error. */
  public Struct details() {
    return details;
  }
}
