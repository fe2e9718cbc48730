package app_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/apptest"
	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/testwait"
)

// TestMetricsOnlyOnTheirOwnAddress: /metrics answers on --metrics-addr and
// is not found on the public address, whose probes say nothing internal.
func TestMetricsOnlyOnTheirOwnAddress(t *testing.T) {
	srv := redistest.Server(t)
	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	plain := apptest.Start(t, srv.URL(), "--feed", "replay:/dev/null")
	if status, body := get(plain.URL + "/metrics"); status != http.StatusNotFound || !strings.Contains(body, `"error"`) {
		t.Fatalf("public /metrics without --metrics-addr = %d %s; want 404 JSON", status, body)
	}

	in := apptest.Start(t, srv.URL(), "--feed", "replay:/dev/null", "--metrics-addr", "127.0.0.1:0")
	addr := regexp.MustCompile(`msg="metrics listening" addr=(http://\S+/metrics)`)
	var metricsURL string
	testwait.Until(t, 5*time.Second, "the metrics address in the log", func() bool {
		m := addr.FindStringSubmatch(in.Logs.String())
		if m != nil {
			metricsURL = m[1]
		}
		return m != nil
	})
	if status, body := get(metricsURL); status != http.StatusOK || !strings.Contains(body, "beats_ws_clients") {
		t.Fatalf("%s = %d %.200s; want the metrics", metricsURL, status, body)
	}
	if status, body := get(in.URL + "/metrics"); status != http.StatusNotFound || strings.Contains(body, "beats_") {
		t.Fatalf("public /metrics = %d %.200s; want 404", status, body)
	}
	for path, want := range map[string]string{"/healthz": `{"status":"ok"}`, "/readyz": `{"status":"`} {
		status, body := get(in.URL + path)
		if status >= 500 && path == "/healthz" || !strings.HasPrefix(body, want) || len(body) > 30 {
			t.Fatalf("%s = %d %s; want a bare status", path, status, body)
		}
	}
}
