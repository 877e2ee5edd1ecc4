package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	ojsv1 "github.com/ojs-grpc/ojs-grpc/gen/go/ojs/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/structpb"
)

// leaseTokenKey carries the attempt a worker holds on Ack, Nack and Heartbeat, so the
// server refuses a late report from an attempt whose lease expired and was redelivered.
const leaseTokenKey = "x-ojs-lease-token"

// Handler runs one job. It returns the job's result (a JSON object, may be nil) or an
// error, which becomes a Nack; the job's retry policy on the server decides what follows.
type Handler func(ctx context.Context, job *ojsv1.Job) (map[string]any, error)

// JobError is an error with the structured fields of a Nack. A handler returns one to
// choose the code; any other error is reported with code "handler_error".
type JobError struct {
	Code      string
	Message   string
	Retryable bool
	Details   map[string]any
}

func (e *JobError) Error() string { return e.Code + ": " + e.Message }

// Worker consumes queues through StreamJobs (or Fetch polling where the server does not
// implement StreamJobs), runs the registered handlers and reports every outcome.
type Worker struct {
	client       ojsv1.OJSServiceClient
	id           string
	queues       []string
	concurrency  int
	heartbeat    time.Duration
	pollInterval time.Duration
	handlers     map[string]Handler
	slots        chan struct{}
	inFlight     sync.WaitGroup
	log          *slog.Logger
}

// Config is what a Worker needs besides its connection and handlers; zero durations
// default to one second.
type Config struct {
	ID          string
	Queues      []string
	Concurrency int
	// Heartbeat is the longest time between two beats of a running job; a job whose
	// visibility timeout is shorter beats at a third of it.
	Heartbeat    time.Duration
	PollInterval time.Duration
	Log          *slog.Logger
}

// NewWorker returns a Worker speaking ojs.v1 over conn.
func NewWorker(conn grpc.ClientConnInterface, cfg Config) *Worker {
	if cfg.Concurrency < 1 {
		cfg.Concurrency = 1
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = time.Second
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Worker{
		client:       ojsv1.NewOJSServiceClient(conn),
		id:           cfg.ID,
		queues:       cfg.Queues,
		concurrency:  cfg.Concurrency,
		heartbeat:    cfg.Heartbeat,
		pollInterval: cfg.PollInterval,
		handlers:     map[string]Handler{},
		slots:        make(chan struct{}, cfg.Concurrency),
		log:          cfg.Log,
	}
}

// Register makes h run the jobs of type jobType.
func (w *Worker) Register(jobType string, h Handler) { w.handlers[jobType] = h }

// Run takes work until ctx is done, then waits for the jobs in flight to finish and be
// reported (they do not see ctx's cancellation).
func (w *Worker) Run(ctx context.Context) error {
	defer w.inFlight.Wait()
	err := w.consumeStream(ctx)
	if status.Code(err) == codes.Unimplemented {
		w.log.Info("StreamJobs not implemented by the server: polling Fetch")
		err = w.consumeFetch(ctx)
	}
	if ctx.Err() != nil {
		return nil
	}
	return err
}

func (w *Worker) consumeStream(ctx context.Context) error {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := w.streamOnce(ctx)
		switch status.Code(err) {
		case codes.Unimplemented:
			return err
		case codes.OK, codes.Canceled:
			if ctx.Err() != nil {
				return nil
			}
		}
		w.log.Warn("job stream ended; reconnecting", "error", err, "in", backoff)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
	return nil
}

func (w *Worker) streamOnce(ctx context.Context) error {
	stream, err := w.client.StreamJobs(ctx, &ojsv1.StreamJobsRequest{
		Queues: w.queues, WorkerId: w.id, MaxConcurrent: int32(w.concurrency),
	})
	if err != nil {
		return err
	}
	// The server sends headers once the stream is subscribed to its queues.
	if _, err := stream.Header(); err != nil {
		return err
	}
	w.log.Info("ready", "mode", "StreamJobs", "queues", w.queues, "worker_id", w.id)
	for {
		job, err := stream.Recv()
		if err != nil {
			return err
		}
		// The server never has more than Concurrency jobs unfinished on this stream, so
		// this only waits for a slot whose report is still on its way.
		w.slots <- struct{}{}
		w.start(job)
	}
}

func (w *Worker) consumeFetch(ctx context.Context) error {
	w.log.Info("ready", "mode", "Fetch", "queues", w.queues, "worker_id", w.id)
	for {
		select {
		case <-ctx.Done():
			return nil
		case w.slots <- struct{}{}:
		}
		free := 1
	fill:
		for free < w.concurrency {
			select {
			case w.slots <- struct{}{}:
				free++
			default:
				break fill
			}
		}
		resp, err := w.client.Fetch(ctx, &ojsv1.FetchRequest{
			Queues: w.queues, Count: int32(free), WorkerId: w.id,
		})
		var jobs []*ojsv1.Job
		if err != nil {
			if ctx.Err() == nil {
				w.log.Warn("fetch failed", "error", err)
			}
		} else {
			jobs = resp.GetJobs()
		}
		for _, job := range jobs {
			w.start(job)
		}
		for range free - len(jobs) {
			<-w.slots
		}
		if len(jobs) == 0 {
			select {
			case <-ctx.Done():
			case <-time.After(w.pollInterval):
			}
		}
	}
}

// start runs job in its own goroutine, which holds one slot until the job is reported.
func (w *Worker) start(job *ojsv1.Job) {
	w.inFlight.Add(1)
	go func() {
		defer w.inFlight.Done()
		defer func() { <-w.slots }()
		w.process(job)
	}()
}

func (w *Worker) process(job *ojsv1.Job) {
	log := w.log.With("job_id", job.GetId(), "type", job.GetType(), "attempt", job.GetAttempt())
	lease := metadata.AppendToOutgoingContext(
		context.Background(), leaseTokenKey, strconv.Itoa(int(job.GetAttempt())))
	// Not derived from Run's context: a job already taken finishes after shutdown begins.
	jobCtx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	stopBeats := w.heartbeatWhileRunning(lease, job, cancel, log)
	result, err := w.call(jobCtx, job)
	stopBeats()
	if cause := context.Cause(jobCtx); errors.Is(cause, errLeaseLost) {
		log.Warn("lease lost while running; not reporting", "error", err)
		return
	}
	report, done := context.WithTimeout(lease, 30*time.Second)
	defer done()
	if err == nil {
		s, convErr := structpb.NewStruct(result)
		if convErr == nil {
			if _, err := w.client.Ack(report, &ojsv1.AckRequest{JobId: job.GetId(), Result: s}); err != nil {
				log.Error("ack failed", "error", err)
			}
			return
		}
		err = &JobError{Code: "invalid_result", Message: "result is not JSON: " + convErr.Error()}
	}
	jerr := nackError(err)
	resp, nerr := w.client.Nack(report, &ojsv1.NackRequest{JobId: job.GetId(), Error: jerr})
	if nerr != nil {
		log.Error("nack failed", "error", nerr)
		return
	}
	log.Info("job failed", "code", jerr.GetCode(), "message", jerr.GetMessage(), "now", resp.GetState())
}

// call runs the job's handler; a panic is reported like a returned error, with its stack.
func (w *Worker) call(ctx context.Context, job *ojsv1.Job) (result map[string]any, err error) {
	h, ok := w.handlers[job.GetType()]
	if !ok {
		return nil, &JobError{
			Code:    "handler_not_found",
			Message: fmt.Sprintf("go worker has no handler for %q", job.GetType()),
			// Another worker on the same queue may know the type.
			Retryable: true,
		}
	}
	defer func() {
		if p := recover(); p != nil {
			err = &panicError{value: p, stack: string(debug.Stack())}
		}
	}()
	return h(ctx, job)
}

type panicError struct {
	value any
	stack string
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// nackError is the structured form of a handler's error. The gateway reads a JobError's
// code (or details.error_class) as the error class that non_retryable_errors match, so a
// plain error is "handler_error" and a *JobError names its own; the Go type is only
// informational.
func nackError(err error) *ojsv1.JobError {
	out := &ojsv1.JobError{Code: "handler_error", Message: err.Error(), Retryable: true}
	details := map[string]any{"lang": "go", "go_type": fmt.Sprintf("%T", err)}
	var je *JobError
	var pe *panicError
	switch {
	case errors.As(err, &je):
		out.Code, out.Message, out.Retryable = je.Code, je.Message, je.Retryable
		for k, v := range je.Details {
			details[k] = v
		}
	case errors.As(err, &pe):
		out.Backtrace = pe.stack
		details["panic"] = fmt.Sprint(pe.value)
	}
	if s, serr := structpb.NewStruct(details); serr == nil {
		out.Details = s
	} else {
		out.Details, _ = structpb.NewStruct(map[string]any{"lang": "go", "details_error": serr.Error()})
	}
	return out
}

var errLeaseLost = errors.New("lease lost")

// heartbeatWhileRunning extends job's lease until the returned stop is called. When the
// server says the lease is gone (expired and redelivered, or the job was cancelled) it
// cancels the handler with errLeaseLost.
func (w *Worker) heartbeatWhileRunning(
	lease context.Context, job *ojsv1.Job, cancel context.CancelCauseFunc, log *slog.Logger,
) (stop func()) {
	every := w.heartbeat
	if vt := job.GetVisibilityTimeout().AsDuration(); vt > 0 && vt/3 < every {
		every = vt / 3
	}
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		ticker := time.NewTicker(every)
		defer ticker.Stop()
		for {
			select {
			case <-quit:
				return
			case <-ticker.C:
			}
			ctx, done := context.WithTimeout(lease, every)
			_, err := w.client.Heartbeat(ctx, &ojsv1.HeartbeatRequest{
				Id: job.GetId(), WorkerId: w.id, CurrentState: ojsv1.WorkerState_WORKER_STATE_RUNNING,
			})
			done()
			switch status.Code(err) {
			case codes.OK:
			case codes.FailedPrecondition, codes.NotFound:
				log.Warn("heartbeat refused: lease lost", "error", err)
				cancel(errLeaseLost)
				return
			default:
				// A transient failure: the next beat may still arrive within the lease.
				log.Warn("heartbeat failed", "error", err)
			}
		}
	}()
	return func() {
		close(quit)
		<-finished
	}
}
