// Command go-worker is a minimal OJS worker in Go over the ojs.v1 gRPC binding: it takes
// jobs from StreamJobs (Fetch polling when the server lacks it), heartbeats them while
// they run, and Acks or Nacks each with its lease token.
//
//	go run . --url localhost:9090 --queue default
//
// SIGTERM or SIGINT stops taking work and lets the jobs in flight finish; a second signal
// exits at once.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	ojsv1 "github.com/ojs-grpc/ojs-grpc/gen/go/ojs/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

func main() {
	host, _ := os.Hostname()
	url := flag.String("url", envOr("OJS_URL", "localhost:9090"), "gRPC address of the OJS server ($OJS_URL)")
	queues := flag.String("queue", envOr("OJS_QUEUE", "default"), "queues to consume, comma-separated ($OJS_QUEUE)")
	concurrency := flag.Int("concurrency", 4, "jobs run at once")
	workerID := flag.String("worker-id", fmt.Sprintf("go-%s-%d", host, os.Getpid()), "worker id")
	heartbeat := flag.Duration("heartbeat", time.Second, "longest time between heartbeats of a running job")
	poll := flag.Duration("poll-interval", time.Second, "idle wait between Fetch polls (when StreamJobs is unavailable)")
	flag.Parse()

	log := slog.New(slog.NewTextHandler(os.Stderr, nil)).With("worker", "go-worker")
	conn, err := grpc.NewClient(strings.TrimPrefix(*url, "grpc://"),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		log.Error("connect", "error", err)
		os.Exit(1)
	}
	defer conn.Close()

	w := NewWorker(conn, Config{
		ID:           *workerID,
		Queues:       strings.Split(*queues, ","),
		Concurrency:  *concurrency,
		Heartbeat:    *heartbeat,
		PollInterval: *poll,
		Log:          log,
	})
	registerInterop(w)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	go func() {
		<-ctx.Done()
		log.Info("stopping: finishing the jobs in flight")
		stop() // restores the default action, so a second signal ends the process
	}()
	if err := w.Run(ctx); err != nil {
		log.Error("worker stopped", "error", err)
		os.Exit(1)
	}
	log.Info("stopped")
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// registerInterop registers the handlers the polyglot interop tests enqueue.
func registerInterop(w *Worker) {
	w.Register("interop.echo", func(_ context.Context, job *ojsv1.Job) (map[string]any, error) {
		args := make([]any, len(job.GetArgs()))
		for i, a := range job.GetArgs() {
			args[i] = a.AsInterface()
		}
		return map[string]any{"echo": args, "lang": "go"}, nil
	})
	w.Register("interop.fail", func(context.Context, *ojsv1.Job) (map[string]any, error) {
		return nil, errors.New("interop.fail: the go worker failed on purpose")
	})
	w.Register("interop.slow", func(ctx context.Context, job *ojsv1.Job) (map[string]any, error) {
		if len(job.GetArgs()) != 1 {
			return nil, &JobError{Code: "invalid_args", Message: "interop.slow takes [seconds]"}
		}
		seconds := job.GetArgs()[0].GetNumberValue()
		select {
		case <-time.After(time.Duration(seconds * float64(time.Second))):
			return map[string]any{"slept": seconds, "lang": "go"}, nil
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		}
	})
}
