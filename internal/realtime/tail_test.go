package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/testwait"
)

// recorder is a broadcaster that hands messages to the test.
type recorder chan []byte

func (r recorder) Broadcast(msg []byte) { r <- msg }

// startTailer runs a tailer on rdb until t ends and waits until it is
// reading; configure, if any, adjusts the tailer first.
func startTailer(t *testing.T, rdb redis.UniversalClient, configure ...func(*tailer)) (*tailer, recorder) {
	t.Helper()
	out := make(recorder, 100)
	ready := make(chan struct{})
	tl := &tailer{
		rdb: rdb, stream: purchases.LiveStream, out: out, log: slog.New(slog.DiscardHandler),
		block: 100 * time.Millisecond, count: tailBatch, ready: func() { close(ready) },
	}
	for _, c := range configure {
		c(tl)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- tl.run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			t.Error("tailer did not stop on cancel")
		}
	})
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("tailer not ready")
	}
	return tl, out
}

func next(t *testing.T, out recorder) []byte {
	t.Helper()
	select {
	case msg := <-out:
		return msg
	case <-time.After(2 * time.Second):
		t.Fatal("no message from the tailer")
		return nil
	}
}

func decodePurchases(t *testing.T, msg []byte) []purchases.Purchase {
	t.Helper()
	var m purchasesMessage
	if err := json.Unmarshal(msg, &m); err != nil {
		t.Fatalf("decode %s: %v", msg, err)
	}
	return m.Purchases
}

func ids(ps []purchases.Purchase) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func TestTailerBatchesNewestFirstWithoutSearchText(t *testing.T) {
	rdb := redistest.New(t)
	xadd(t, rdb, testPurchase(0, "Before", 0)) // already there at start: not sent
	_, out := startTailer(t, rdb)

	// One MULTI, so one XREAD returns them all; stream order is not time
	// order, and at equal times the later arrival is the newer.
	tie := testPurchase(3, "D", 0)
	tie.ID = "test-3-later"
	xadd(t, rdb, testPurchase(2, "B", 0), testPurchase(1, "A", 0), testPurchase(3, "C", 0), tie)
	msg := next(t, out)
	if bytes.Contains(msg, []byte("search_text")) {
		t.Fatalf("message leaks search_text: %s", msg)
	}
	if got, want := ids(decodePurchases(t, msg)), []string{"test-3-later", "test-3", "test-2", "test-1"}; !slices.Equal(got, want) {
		t.Fatalf("batch = %v, want %v (newest first, nothing from before the start)", got, want)
	}
	var shape map[string]json.RawMessage
	if err := json.Unmarshal(msg, &shape); err != nil || len(shape) != 1 || shape["purchases"] == nil {
		t.Fatalf(`message is not {"purchases":[...]}: %s`, msg)
	}
}

// TestTailerHoldsReadsWhileClientsAreBusy: while the clients still have the
// last message queued, purchases that arrive apart go out together; once
// they take messages at once, purchases go out one by one, except those
// that arrive within minGap of the last broadcast.
func TestTailerHoldsReadsWhileClientsAreBusy(t *testing.T) {
	rdb := redistest.New(t)
	var busy atomic.Bool
	const gap = 400 * time.Millisecond
	_, out := startTailer(t, rdb, func(tl *tailer) {
		tl.pacer = &pacer{maxHold: 2 * time.Second, minGap: gap, backlog: func() (int, int) {
			if busy.Load() {
				return 2, 100 // more than 1 % still have it queued
			}
			return 1, 100
		}}
	})
	tests := []struct {
		name  string
		busy  bool
		apart time.Duration // between two XADDs
		want  [][]string
	}{
		// Further apart than minGap, so only the busy clients' hold (up to
		// maxHold) can put two in one message.
		{"busy clients", true, gap + 100*time.Millisecond, [][]string{{"test-1"}, {"test-3", "test-2"}}},
		{"idle clients, purchases further apart than minGap", false, gap + 100*time.Millisecond, [][]string{{"test-4"}, {"test-5"}, {"test-6"}}},
		{"idle clients, purchases within minGap", false, 20 * time.Millisecond, [][]string{{"test-7"}, {"test-9", "test-8"}}},
	}
	n := 0
	for _, tt := range tests {
		busy.Store(tt.busy)
		for _, msg := range tt.want {
			for range msg {
				n++
				xadd(t, rdb, testPurchase(n, "A", 0))
				time.Sleep(tt.apart)
			}
		}
		var got [][]string
		for range tt.want {
			got = append(got, ids(decodePurchases(t, next(t, out))))
		}
		if !slices.EqualFunc(got, tt.want, slices.Equal) {
			t.Fatalf("%s: messages %v, want %v", tt.name, got, tt.want)
		}
		time.Sleep(gap) // the next case starts after the gap
	}
}

func TestTailerSkipsUndecodableEntries(t *testing.T) {
	rdb := redistest.New(t)
	tl, out := startTailer(t, rdb)
	ctx := context.Background()
	_, err := rdb.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.XAdd(ctx, &redis.XAddArgs{Stream: purchases.LiveStream, Values: []any{"doc", "not json"}})
		pipe.XAdd(ctx, &redis.XAddArgs{Stream: purchases.LiveStream, Values: []any{"other", "x"}})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	xadd(t, rdb, testPurchase(1, "A", 0))
	// The bad entries produce no message; the good one still arrives.
	if got := ids(decodePurchases(t, next(t, out))); !slices.Equal(got, []string{"test-1"}) {
		t.Fatalf("got %v, want [test-1]", got)
	}
	if got := tl.relayed.Load(); got != 1 {
		t.Fatalf("relayed = %d, want 1", got)
	}
}

// TestTailerResumesAfterConnectionLoss: purchases added while the tailer's
// connection is down are delivered once it is back, none skipped, none twice.
func TestTailerResumesAfterConnectionLoss(t *testing.T) {
	rdb := redistest.New(t)
	// The tailer's own client, without go-redis's silent retries, so that
	// the lost connection reaches the tailer's retry loop.
	opt := *rdb.Options()
	opt.MaxRetries = -1
	tailRDB := redis.NewClient(&opt)
	t.Cleanup(func() { _ = tailRDB.Close() })
	tl, out := startTailer(t, tailRDB)

	xadd(t, rdb, testPurchase(1, "A", 0))
	if got := ids(decodePurchases(t, next(t, out))); !slices.Equal(got, []string{"test-1"}) {
		t.Fatalf("got %v, want [test-1]", got)
	}

	// Kill the tailer's connection while its XREAD is blocked, then add
	// purchases before it can reconnect (its backoff waits first).
	ctx := context.Background()
	var blocked string
	testwait.Until(t, 5*time.Second, "the tailer's blocked XREAD", func() bool {
		blocked = blockedXRead(t, rdb)
		return blocked != ""
	})
	if err := rdb.Do(ctx, "CLIENT", "KILL", "ID", blocked).Err(); err != nil {
		t.Fatalf("CLIENT KILL: %v", err)
	}
	xadd(t, rdb, testPurchase(2, "B", 0))
	xadd(t, rdb, testPurchase(3, "C", 0))

	var got []string
	for len(got) < 2 {
		got = append(got, ids(decodePurchases(t, next(t, out)))...)
	}
	slices.Sort(got)
	if want := []string{"test-2", "test-3"}; !slices.Equal(got, want) {
		t.Fatalf("after reconnect got %v, want %v", got, want)
	}
	if tl.errs.Load() == 0 {
		t.Fatal("the tailer saw no error: the connection loss was not exercised")
	}
	select {
	case extra := <-out:
		t.Fatalf("unexpected extra message %s", extra)
	default:
	}
}

// blockedXRead is the CLIENT LIST id of a client blocked in XREAD, or "".
func blockedXRead(t *testing.T, rdb redis.UniversalClient) string {
	t.Helper()
	list, err := rdb.ClientList(context.Background()).Result()
	if err != nil {
		t.Fatalf("CLIENT LIST: %v", err)
	}
	for line := range strings.Lines(list) {
		fields := map[string]string{}
		for kv := range strings.FieldsSeq(line) {
			k, v, _ := strings.Cut(kv, "=")
			fields[k] = v
		}
		if fields["cmd"] == "xread" && strings.Contains(fields["flags"], "b") {
			return fields["id"]
		}
	}
	return ""
}

// TestDecodeEntry: the id comes from the entry's "id" field, since the
// stored document leaves it to the key; entries written before that carry
// it in the document.
func TestDecodeLivePurchase(t *testing.T) {
	tests := []struct {
		name   string
		values map[string]any
		wantID string
	}{
		{"id field, document without id", map[string]any{"id": "a-1", "doc": `{"artist_name":"A","search_text":"a"}`}, "a-1"},
		{"older entry, id in the document", map[string]any{"doc": `{"id":"b-2","artist_name":"B"}`}, "b-2"},
	}
	for _, tt := range tests {
		p, err := decodeLivePurchase(redis.XMessage{ID: "1-0", Values: tt.values})
		if err != nil || p.ID != tt.wantID {
			t.Errorf("%s: decodeLivePurchase = %+v, %v; want id %q", tt.name, p, err, tt.wantID)
		}
	}
}
