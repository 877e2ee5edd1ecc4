package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	ojsv1 "github.com/ojs-grpc/ojs-grpc/gen/go/ojs/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/structpb"
)

// fetchOnlyServer hands out its jobs through Fetch, has no StreamJobs (the embedded
// Unimplemented server answers UNIMPLEMENTED) and records every report.
type fetchOnlyServer struct {
	ojsv1.UnimplementedOJSServiceServer
	mu         sync.Mutex
	pending    []*ojsv1.Job
	acks       map[string]*ojsv1.AckRequest
	nacks      map[string]*ojsv1.NackRequest
	beats      map[string]int
	tokens     map[string][]string
	streamed   bool
	reported   chan string
	fetchCount int
}

func (s *fetchOnlyServer) StreamJobs(*ojsv1.StreamJobsRequest, grpc.ServerStreamingServer[ojsv1.Job]) error {
	s.mu.Lock()
	s.streamed = true
	s.mu.Unlock()
	return s.UnimplementedOJSServiceServer.StreamJobs(nil, nil)
}

func (s *fetchOnlyServer) Fetch(_ context.Context, req *ojsv1.FetchRequest) (*ojsv1.FetchResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fetchCount++
	n := min(int(max(req.GetCount(), 1)), len(s.pending))
	jobs := s.pending[:n]
	s.pending = s.pending[n:]
	return &ojsv1.FetchResponse{Jobs: jobs}, nil
}

func (s *fetchOnlyServer) record(ctx context.Context, what, id string) {
	md, _ := metadata.FromIncomingContext(ctx)
	s.tokens[what+" "+id] = append(s.tokens[what+" "+id], md.Get(leaseTokenKey)...)
}

func (s *fetchOnlyServer) Ack(ctx context.Context, req *ojsv1.AckRequest) (*ojsv1.AckResponse, error) {
	s.mu.Lock()
	s.acks[req.GetJobId()] = req
	s.record(ctx, "ack", req.GetJobId())
	s.mu.Unlock()
	s.reported <- req.GetJobId()
	return &ojsv1.AckResponse{Acknowledged: true}, nil
}

func (s *fetchOnlyServer) Nack(ctx context.Context, req *ojsv1.NackRequest) (*ojsv1.NackResponse, error) {
	s.mu.Lock()
	s.nacks[req.GetJobId()] = req
	s.record(ctx, "nack", req.GetJobId())
	s.mu.Unlock()
	s.reported <- req.GetJobId()
	return &ojsv1.NackResponse{State: ojsv1.JobState_JOB_STATE_RETRYABLE}, nil
}

func (s *fetchOnlyServer) Heartbeat(ctx context.Context, req *ojsv1.HeartbeatRequest) (*ojsv1.HeartbeatResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.beats[req.GetId()]++
	s.record(ctx, "beat", req.GetId())
	return &ojsv1.HeartbeatResponse{DirectedState: ojsv1.WorkerState_WORKER_STATE_RUNNING}, nil
}

func job(id, typ string, attempt int32, args ...any) *ojsv1.Job {
	list, err := structpb.NewList(args)
	if err != nil {
		panic(err)
	}
	return &ojsv1.Job{Id: id, Type: typ, Attempt: attempt, Args: list.GetValues()}
}

func TestFallsBackToFetchAndReportsWithLeaseTokens(t *testing.T) {
	slow := job("slow", "interop.slow", 1, 0.5)
	// A short lease makes the worker beat at a third of it, well before 0.5 s pass.
	slow.VisibilityTimeout = durationpb.New(300 * time.Millisecond)
	srv := &fetchOnlyServer{
		pending: []*ojsv1.Job{
			job("echo", "interop.echo", 1, "a", 2.0),
			job("fail", "interop.fail", 3),
			job("boom", "test.panic", 1),
			slow,
		},
		acks:     map[string]*ojsv1.AckRequest{},
		nacks:    map[string]*ojsv1.NackRequest{},
		beats:    map[string]int{},
		tokens:   map[string][]string{},
		reported: make(chan string, 10),
	}
	lis := bufconn.Listen(1 << 20)
	gs := grpc.NewServer()
	ojsv1.RegisterOJSServiceServer(gs, srv)
	go func() { _ = gs.Serve(lis) }()
	defer gs.Stop()
	conn, err := grpc.NewClient("passthrough:///bufconn",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	w := NewWorker(conn, Config{
		ID: "w-test", Queues: []string{"q"}, Concurrency: 4, Heartbeat: time.Second,
		PollInterval: 20 * time.Millisecond, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	registerInterop(w)
	w.Register("test.panic", func(context.Context, *ojsv1.Job) (map[string]any, error) { panic("kaboom") })

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	for range 4 {
		select {
		case <-srv.reported:
		case <-time.After(10 * time.Second):
			t.Fatal("the worker did not report all four jobs")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}

	srv.mu.Lock()
	defer srv.mu.Unlock()
	if !srv.streamed || srv.fetchCount == 0 {
		t.Fatalf("expected a StreamJobs attempt, then Fetch (streamed=%v, fetches=%d)", srv.streamed, srv.fetchCount)
	}
	echo := srv.acks["echo"].GetResult().AsMap()
	if echo["lang"] != "go" || len(echo["echo"].([]any)) != 2 || echo["echo"].([]any)[0] != "a" {
		t.Errorf("echo result: %v", echo)
	}
	if got := srv.acks["slow"].GetResult().AsMap()["slept"]; got != 0.5 {
		t.Errorf("slow result: %v", got)
	}
	fail := srv.nacks["fail"].GetError()
	if fail.GetCode() != "handler_error" || !fail.GetRetryable() || fail.GetDetails().AsMap()["lang"] != "go" {
		t.Errorf("fail nack: %v", fail)
	}
	boom := srv.nacks["boom"].GetError()
	if boom.GetDetails().AsMap()["panic"] != "kaboom" || boom.GetBacktrace() == "" {
		t.Errorf("panic nack: %v", boom)
	}
	if srv.beats["slow"] == 0 {
		t.Error("no heartbeat while interop.slow ran")
	}
	for key, want := range map[string]string{"ack echo": "1", "nack fail": "3", "beat slow": "1", "ack slow": "1"} {
		for _, tok := range srv.tokens[key] {
			if tok != want {
				t.Errorf("%s: lease token %q, want %q", key, tok, want)
			}
		}
		if len(srv.tokens[key]) == 0 {
			t.Errorf("%s: no lease token sent", key)
		}
	}
}

func TestNackErrorKeepsAJobErrorsCode(t *testing.T) {
	err := nackError(&JobError{Code: "PaymentDeclined", Message: "card expired", Details: map[string]any{"card": "visa"}})
	d := err.GetDetails().AsMap()
	if err.GetCode() != "PaymentDeclined" || err.GetRetryable() || d["card"] != "visa" || d["lang"] != "go" {
		t.Errorf("nackError: %v", err)
	}
	if got := nackError(errors.New("x")).GetCode(); got != "handler_error" {
		t.Errorf("plain error code %q", got)
	}
}
