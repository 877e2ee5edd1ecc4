// Command go-client enqueues OJS jobs over the ojs.v1 gRPC binding and, with --wait,
// waits for each to finish (GetJob) and prints it as one JSON line (proto field names).
//
//	go run . --url localhost:9090 --queue default --type interop.echo \
//	    --args '["hello", 1]' --args '["again", 2]' --wait
//
// Every --args (a JSON array) is one job; without any, one job with no arguments.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	ojsv1 "github.com/ojs-grpc/ojs-grpc/gen/go/ojs/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
)

// argsList collects repeated --args flags.
type argsList [][]any

func (a *argsList) String() string { return fmt.Sprint(*a) }

func (a *argsList) Set(raw string) error {
	var args []any
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		return fmt.Errorf("--args must be a JSON array: %w", err)
	}
	*a = append(*a, args)
	return nil
}

func main() {
	var jobs argsList
	url := flag.String("url", envOr("OJS_URL", "localhost:9090"), "gRPC address of the OJS server ($OJS_URL)")
	queue := flag.String("queue", envOr("OJS_QUEUE", "default"), "queue to enqueue into ($OJS_QUEUE)")
	jobType := flag.String("type", "interop.echo", "job type")
	flag.Var(&jobs, "args", "one job's arguments as a JSON array (repeat for more jobs)")
	maxAttempts := flag.Int("max-attempts", 0, "attempts before the job is discarded (0: server default)")
	wait := flag.Bool("wait", false, "wait until every job is completed, cancelled or discarded")
	timeout := flag.Duration("timeout", 60*time.Second, "give up waiting after this long")
	flag.Parse()
	if len(jobs) == 0 {
		jobs = argsList{{}}
	}

	conn, err := grpc.NewClient(strings.TrimPrefix(*url, "grpc://"),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fail(err)
	}
	defer conn.Close()
	client := ojsv1.NewOJSServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()

	ids := make([]string, 0, len(jobs))
	for _, args := range jobs {
		job, err := enqueue(ctx, client, *jobType, args, &ojsv1.EnqueueOptions{
			Queue: *queue, MaxAttempts: int32(*maxAttempts),
		})
		if err != nil {
			fail(err)
		}
		ids = append(ids, job.GetId())
		if !*wait {
			printJob(job)
		}
	}
	if !*wait {
		return
	}
	for _, id := range ids {
		job, err := waitFinished(ctx, client, id)
		if err != nil {
			fail(err)
		}
		printJob(job)
	}
}

func enqueue(
	ctx context.Context, client ojsv1.OJSServiceClient, jobType string, args []any, opts *ojsv1.EnqueueOptions,
) (*ojsv1.Job, error) {
	list, err := structpb.NewList(args)
	if err != nil {
		return nil, err
	}
	resp, err := client.Enqueue(ctx, &ojsv1.EnqueueRequest{Type: jobType, Args: list.GetValues(), Options: opts})
	if err != nil {
		return nil, fmt.Errorf("enqueue %s: %w", jobType, err)
	}
	return resp.GetJob(), nil
}

// waitFinished polls GetJob until the job reaches a final state or ctx ends.
func waitFinished(ctx context.Context, client ojsv1.OJSServiceClient, id string) (*ojsv1.Job, error) {
	for {
		resp, err := client.GetJob(ctx, &ojsv1.GetJobRequest{JobId: id})
		if err != nil {
			return nil, fmt.Errorf("get job %s: %w", id, err)
		}
		switch job := resp.GetJob(); job.GetState() {
		case ojsv1.JobState_JOB_STATE_COMPLETED, ojsv1.JobState_JOB_STATE_CANCELLED, ojsv1.JobState_JOB_STATE_DISCARDED:
			return job, nil
		}
		select {
		case <-ctx.Done():
			return nil, errors.Join(fmt.Errorf("job %s did not finish", id), ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func printJob(job *ojsv1.Job) {
	out, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(job)
	if err != nil {
		fail(err)
	}
	fmt.Println(string(out))
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "go-client:", err)
	os.Exit(1)
}
