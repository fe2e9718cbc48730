package config

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseServe(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
		check   func(t *testing.T, c Serve)
	}{
		{name: "defaults", check: func(t *testing.T, c Serve) {
			if c.Addr != "127.0.0.1:8080" || c.Feed != "auto" || c.Speed != 1 || c.Retention != 30*24*time.Hour || c.RedisURL != "" {
				t.Fatalf("defaults = %+v", c)
			}
		}},
		{name: "env", env: map[string]string{"BEATS_ADDR": ":9000", "REDIS_URL": "rediss://u:p@h:6380", "BEATS_FEED": "synthetic:5", "BEATS_SPEED": "0"}, check: func(t *testing.T, c Serve) {
			if c.Addr != ":9000" || c.RedisURL != "rediss://u:p@h:6380" || c.FeedKind() != "synthetic" || c.FeedArg() != "5" || c.Speed != 0 {
				t.Fatalf("from env = %+v", c)
			}
		}},
		{name: "flags beat env", args: []string{"--feed", "live", "--retention", "2d"}, env: map[string]string{"BEATS_FEED": "synthetic"}, check: func(t *testing.T, c Serve) {
			if c.Feed != "live" || c.Retention != 48*time.Hour {
				t.Fatalf("flags = %+v", c)
			}
		}},
		{name: "bad feed", args: []string{"--feed", "kafka"}, wantErr: "--feed"},
		{name: "missing replay file", args: []string{"--feed", "replay:/nope.jsonl"}, wantErr: "replay"},
		{name: "bad rate", args: []string{"--feed", "synthetic:-1"}, wantErr: "rate"},
		{name: "bad url", args: []string{"--redis-url", "http://x"}, wantErr: "REDIS_URL"},
		{name: "bad speed", args: []string{"--speed", "fast"}, wantErr: "--speed"},
		{name: "negative speed", args: []string{"--speed", "-2"}, wantErr: "--speed"},
		{name: "bad retention", args: []string{"--retention", "soon"}, wantErr: "--retention"},
		{name: "bad addr", args: []string{"--addr", "8080"}, wantErr: "--addr"},
		{name: "stray argument", args: []string{"extra"}, wantErr: "unexpected"},
		{name: "NaN speed", args: []string{"--speed", "NaN"}, wantErr: "--speed"},
		{name: "infinite speed", args: []string{"--speed", "+Inf"}, wantErr: "--speed"},
		{name: "NaN rate", args: []string{"--feed", "synthetic:NaN"}, wantErr: "rate"},
		{name: "huge rate", args: []string{"--feed", "synthetic:2e6"}, wantErr: "rate"},
		{name: "database other than 0", args: []string{"--redis-url", "redis://localhost:6379/2"}, wantErr: "database 0"},
		{name: "bad origin", args: []string{"--trusted-origins", "beats.example.com"}, wantErr: "--trusted-origins"},
		{name: "bad sockets per user", args: []string{"--sockets-per-user", "0"}, wantErr: "--sockets-per-user"},
		{name: "negative consumers", args: []string{"--consumers", "-1"}, wantErr: "--consumers"},
		{name: "too many consumers", args: []string{"--consumers", "17"}, wantErr: "--consumers"},
		{name: "consumers default", check: func(t *testing.T, c Serve) {
			if c.Consumers != DefaultConsumers {
				t.Fatalf("Consumers = %d, want %d", c.Consumers, DefaultConsumers)
			}
		}},
		{name: "serving-only instance", env: map[string]string{"BEATS_CONSUMERS": "0"}, check: func(t *testing.T, c Serve) {
			if c.Consumers != 0 {
				t.Fatalf("Consumers = %d, want 0", c.Consumers)
			}
		}},
		{name: "remember and metrics defaults", check: func(t *testing.T, c Serve) {
			if c.RememberFor != 30*24*time.Hour || c.MetricsAddr != "" {
				t.Fatalf("RememberFor = %v, MetricsAddr = %q; want 30 days and none", c.RememberFor, c.MetricsAddr)
			}
		}},
		{name: "remember and metrics", args: []string{"--remember-for", "7d", "--metrics-addr", "127.0.0.1:9090"}, check: func(t *testing.T, c Serve) {
			if c.RememberFor != 7*24*time.Hour || c.MetricsAddr != "127.0.0.1:9090" {
				t.Fatalf("RememberFor = %v, MetricsAddr = %q", c.RememberFor, c.MetricsAddr)
			}
		}},
		{name: "bad remember", args: []string{"--remember-for", "5m"}, wantErr: "--remember-for"},
		{name: "bad metrics addr", args: []string{"--metrics-addr", "9090"}, wantErr: "--metrics-addr"},
		{name: "bad proxy", args: []string{"--trusted-proxies", "10.0.0.0/99"}, wantErr: "--trusted-proxies"},
		{name: "proxies and origins", args: []string{"--trusted-proxies", "10.0.0.0/8, 192.0.2.1", "--trusted-origins", "https://beats.example.com", "--redis-url", "redis://h:6379/0"}, check: func(t *testing.T, c Serve) {
			if len(c.TrustedProxies) != 2 || c.TrustedProxies[1].String() != "192.0.2.1/32" || len(c.Origins) != 1 {
				t.Fatalf("proxies %v, origins %v", c.TrustedProxies, c.Origins)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseServe(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}
