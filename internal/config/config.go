// Package config holds the typed configuration of `beats serve`, read from
// flags and the environment (flags win) and validated at start-up.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Serve is the configuration of `beats serve`.
type Serve struct {
	Addr           string         // listen address
	RedisURL       string         // empty: start the embedded Redis Stack
	DataDir        string         // embedded Redis data, AOF on
	RedisStackDir  string         // where scripts/install-redis-stack.sh put Redis Stack; empty: search
	Feed           string         // auto | live | replay:FILE | synthetic[:PER_SECOND]
	FeedURL        string         // base URL of the live Bandcamp API
	Speed          float64        // pacing factor; 0 = as fast as possible
	KeepTimes      bool           // replay: keep recorded times instead of re-timing to now
	Retention      time.Duration  // purchase documents and series keep this long
	SecureCookies  bool           // set Secure on cookies (served over TLS or behind a TLS proxy)
	RememberFor    time.Duration  // how long a "Keep me signed in" login lasts
	MetricsAddr    string         // where /metrics is served; empty: nowhere
	Origins        []string       // extra trusted origins for cross-origin checks
	TrustedProxies []netip.Prefix // peers whose X-Forwarded-For is believed
	SocketsPerUser int            // live WebSockets one user may hold at once
	Consumers      int            // consumers of the purchase stream this instance runs; 0: serves only
	LogLevel       string         // debug | info | warn | error
	LogJSON        bool           // JSON logs instead of text
}

// DefaultConsumers is how many consumers of the purchase stream an instance
// runs unless told otherwise: while one waits for Redis to run its batch of
// save scripts, the other decodes its next batch (BENCHMARKS.md, ingest).
const DefaultConsumers = 2

// FeedKind is the part of Feed before any colon.
func (c Serve) FeedKind() string {
	kind, _, _ := strings.Cut(c.Feed, ":")
	return kind
}

// FeedArg is the part of Feed after the colon (the replay file or synthetic rate).
func (c Serve) FeedArg() string {
	_, arg, _ := strings.Cut(c.Feed, ":")
	return arg
}

// maxConsumers bounds --consumers: more than a few per instance only adds
// connections, since Redis runs the save scripts one at a time.
const maxConsumers = 16

// ParseServe reads flags from args, with defaults taken from the environment.
func ParseServe(args []string, getenv func(string) string, stderr io.Writer) (Serve, error) {
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	var c Serve
	var retention, speed, origins, proxies, sockets, consumers, remember string
	fs := flag.NewFlagSet("beats serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", env("BEATS_ADDR", "127.0.0.1:8080"), "listen address (env BEATS_ADDR)")
	fs.StringVar(&c.RedisURL, "redis-url", env("REDIS_URL", ""), "Redis Stack URL, redis:// or rediss://; empty starts an embedded Redis Stack (env REDIS_URL)")
	fs.StringVar(&c.DataDir, "data-dir", env("BEATS_DATA_DIR", ".beats-data"), "data folder of the embedded Redis Stack (env BEATS_DATA_DIR)")
	fs.StringVar(&c.RedisStackDir, "redis-stack-dir", env("BEATS_REDIS_STACK_DIR", ""), "Redis Stack install folder; empty searches for .redis-stack (env BEATS_REDIS_STACK_DIR)")
	fs.StringVar(&c.Feed, "feed", env("BEATS_FEED", "auto"), "sales feed: auto, live, replay:FILE or synthetic[:PER_SECOND] (env BEATS_FEED)")
	fs.StringVar(&c.FeedURL, "feed-url", env("BEATS_FEED_URL", "https://bandcamp.com"), "base URL of the Bandcamp API (env BEATS_FEED_URL)")
	fs.StringVar(&speed, "speed", env("BEATS_SPEED", "1"), "pace sales by their recorded gaps divided by this; 0 = as fast as possible (env BEATS_SPEED)")
	fs.BoolVar(&c.KeepTimes, "keep-times", env("BEATS_KEEP_TIMES", "") == "true", "replay: keep the recorded times instead of moving them to now (env BEATS_KEEP_TIMES=true)")
	fs.StringVar(&retention, "retention", env("BEATS_RETENTION", "720h"), "how long purchases and series are kept (env BEATS_RETENTION)")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", env("BEATS_SECURE_COOKIES", "") == "true", "mark cookies Secure: set when served over HTTPS or behind a TLS proxy (env BEATS_SECURE_COOKIES=true)")
	fs.StringVar(&remember, "remember-for", env("BEATS_REMEMBER_FOR", "30d"), "how long a login with \"Keep me signed in\" lasts (env BEATS_REMEMBER_FOR)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env("BEATS_METRICS_ADDR", ""), "serve Prometheus /metrics on this address, such as 127.0.0.1:9090; empty: not served (env BEATS_METRICS_ADDR)")
	fs.StringVar(&origins, "trusted-origins", env("BEATS_TRUSTED_ORIGINS", ""), "comma-separated extra origins allowed to post and open the WebSocket (env BEATS_TRUSTED_ORIGINS)")
	fs.StringVar(&proxies, "trusted-proxies", env("BEATS_TRUSTED_PROXIES", ""), "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed (env BEATS_TRUSTED_PROXIES)")
	fs.StringVar(&sockets, "sockets-per-user", env("BEATS_SOCKETS_PER_USER", "20"), "live WebSockets one user may hold at once (env BEATS_SOCKETS_PER_USER)")
	fs.StringVar(&consumers, "consumers", env("BEATS_CONSUMERS", strconv.Itoa(DefaultConsumers)), "consumers of the purchase stream this instance runs; 0 for an instance that only serves the API and WebSockets (env BEATS_CONSUMERS)")
	fs.StringVar(&c.LogLevel, "log-level", env("BEATS_LOG_LEVEL", "info"), "debug, info, warn or error (env BEATS_LOG_LEVEL)")
	fs.BoolVar(&c.LogJSON, "log-json", env("BEATS_LOG_JSON", "") == "true", "log JSON lines (env BEATS_LOG_JSON=true)")
	if err := fs.Parse(args); err != nil {
		return Serve{}, err
	}
	if fs.NArg() > 0 {
		return Serve{}, fmt.Errorf("config: unexpected arguments %q", fs.Args())
	}
	var err error
	if c.Speed, err = strconv.ParseFloat(speed, 64); err != nil {
		return Serve{}, fmt.Errorf("config: --speed %q: not a number", speed)
	}
	if c.SocketsPerUser, err = strconv.Atoi(sockets); err != nil || c.SocketsPerUser < 1 {
		return Serve{}, fmt.Errorf("config: --sockets-per-user %q: want a whole number, 1 or more", sockets)
	}
	if c.Consumers, err = strconv.Atoi(consumers); err != nil || c.Consumers < 0 || c.Consumers > maxConsumers {
		return Serve{}, fmt.Errorf("config: --consumers %q: want a whole number from 0 to %d", consumers, maxConsumers)
	}
	if c.Retention, err = parseDuration(retention); err != nil {
		return Serve{}, fmt.Errorf("config: --retention %q: %w", retention, err)
	}
	if c.RememberFor, err = parseDuration(remember); err != nil {
		return Serve{}, fmt.Errorf("config: --remember-for %q: %w", remember, err)
	}
	for _, o := range strings.Split(origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.Origins = append(c.Origins, o)
		}
	}
	for _, p := range strings.Split(proxies, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		prefix, err := parsePrefix(p)
		if err != nil {
			return Serve{}, fmt.Errorf("config: --trusted-proxies %q: %w", p, err)
		}
		c.TrustedProxies = append(c.TrustedProxies, prefix)
	}
	return c, c.Validate()
}

// Validate reports the first thing wrong with c.
func (c Serve) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("--addr %q: %w", c.Addr, err))
	}
	if c.RedisURL != "" {
		u, err := url.Parse(c.RedisURL)
		if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
			errs = append(errs, fmt.Errorf("REDIS_URL must be redis:// or rediss://"))
		} else if db := strings.Trim(u.Path, "/"); db != "" && db != "0" {
			// The Query Engine indexes database 0 only.
			errs = append(errs, fmt.Errorf("REDIS_URL selects database %s: search indexes work on database 0 only", db))
		}
	} else if c.DataDir == "" {
		errs = append(errs, errors.New("--data-dir is needed for the embedded Redis Stack"))
	}
	switch c.FeedKind() {
	case "auto", "live":
	case "replay":
		if c.FeedArg() == "" {
			errs = append(errs, errors.New("--feed replay:FILE needs a file"))
		} else if _, err := os.Stat(c.FeedArg()); err != nil {
			errs = append(errs, fmt.Errorf("--feed replay: %w", err))
		}
	case "synthetic":
		if arg := c.FeedArg(); arg != "" {
			if rate, err := strconv.ParseFloat(arg, 64); err != nil || !(rate > 0 && rate <= 1e6) {
				errs = append(errs, fmt.Errorf("--feed synthetic:%s: the rate must be a number of checkouts a second above 0, at most 1000000", arg))
			}
		}
	default:
		errs = append(errs, fmt.Errorf("--feed %q: want auto, live, replay:FILE or synthetic[:PER_SECOND]", c.Feed))
	}
	if !(c.Speed >= 0) || math.IsInf(c.Speed, 0) {
		errs = append(errs, errors.New("--speed must be a finite number, 0 or more"))
	}
	if c.Retention < time.Minute {
		errs = append(errs, errors.New("--retention must be at least a minute"))
	}
	// Below the idle hour the idle timeout would never matter; past a year a
	// stolen cookie stays useful for too long.
	if c.RememberFor < time.Hour || c.RememberFor > 365*24*time.Hour {
		errs = append(errs, errors.New("--remember-for must be from 1h to 365d"))
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("--metrics-addr %q: %w", c.MetricsAddr, err))
		}
	}
	for _, o := range c.Origins {
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			errs = append(errs, fmt.Errorf("--trusted-origins %q: want scheme://host[:port], such as https://beats.example.com", o))
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel))
	}
	if len(errs) > 0 {
		return fmt.Errorf("config: %w", errors.Join(errs...))
	}
	return nil
}

// parsePrefix reads a CIDR, or a single address as a one-address prefix.
func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

// parseDuration accepts Go durations and a day suffix ("30d").
func parseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err != nil {
			return 0, fmt.Errorf("not a duration")
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("not a duration")
	}
	return d, nil
}
