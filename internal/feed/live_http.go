package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/beatsbyredis/beats/internal/retry"
)

// maxAnswerBytes bounds one answer; real ones are tens of kilobytes.
const maxAnswerBytes = 32 << 20

const userAgent = "beats-by-redis/1 (+https://github.com/beatsbyredis/beats)"

// statusError is a non-200 answer.
type statusError struct {
	url        string
	status     string
	code       int
	retryAfter time.Duration
}

func (e *statusError) Error() string {
	return fmt.Sprintf("feed: live: GET %s: %s", e.url, e.status)
}

// permanent reports client errors that a retry cannot fix (a wrong base URL,
// a removed API). Timeouts, rate limits and server errors are worth a retry.
func (e *statusError) permanent() bool {
	switch e.code {
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests:
		return false
	}
	return e.code >= 400 && e.code < 500
}

// errNoRetry marks failures that are not worth retrying.
var errNoRetry = errors.New("not retryable")

// fetch gets url until it yields an answer, backing off exponentially with
// jitter between attempts. It gives up only when ctx is done or the failure
// is permanent.
func (l *Live) fetch(ctx context.Context, url string) (liveAnswer, error) {
	for attempt := 1; ; attempt++ {
		la, err := l.fetchOnce(ctx, url)
		if ctx.Err() == nil {
			l.attempted(err)
		}
		if err == nil {
			if attempt > 1 {
				l.log.Info("feed: live API answers again", "url", url, "attempts", attempt)
			}
			return la, nil
		}
		if ctx.Err() != nil {
			return liveAnswer{}, ctx.Err()
		}
		var se *statusError
		if errors.Is(err, errNoRetry) || (errors.As(err, &se) && se.permanent()) {
			return liveAnswer{}, err
		}
		delay := l.backoff(attempt)
		if se != nil && se.retryAfter > delay {
			delay = min(se.retryAfter, l.opts.MaxBackoff)
		}
		l.log.Warn("feed: live request failed, retrying", "url", url, "attempt", attempt,
			"retry_in", delay, "err", err)
		if err := retry.Sleep(ctx, delay); err != nil {
			return liveAnswer{}, err
		}
	}
}

// backoff is the delay before retry number attempt: MinBackoff doubled per
// attempt up to MaxBackoff, then "equal jitter" (half fixed, half random) so
// that many clients restarted together do not retry in step.
func (l *Live) backoff(attempt int) time.Duration {
	d := l.opts.MaxBackoff
	if shift := attempt - 1; shift < 32 {
		d = min(l.opts.MinBackoff<<shift, l.opts.MaxBackoff)
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// fetchOnce makes one request, bounded by RequestTimeout including the body.
func (l *Live) fetchOnce(ctx context.Context, url string) (liveAnswer, error) {
	ctx, cancel := context.WithTimeout(ctx, l.opts.RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return liveAnswer{}, fmt.Errorf("feed: live: %w: %w", errNoRetry, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	resp, err := l.opts.Client.Do(req)
	if err != nil {
		return liveAnswer{}, fmt.Errorf("feed: live: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	if err != nil {
		return liveAnswer{}, fmt.Errorf("feed: live: read %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return liveAnswer{}, &statusError{url: url, status: resp.Status, code: resp.StatusCode,
			retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"))}
	}
	if len(body) > maxAnswerBytes {
		return liveAnswer{}, fmt.Errorf("feed: live: %s: %w: larger than %d bytes", url, ErrBadAnswer, maxAnswerBytes)
	}
	raw, ans, err := bareAnswer(body)
	if err != nil {
		return liveAnswer{}, fmt.Errorf("feed: live: %s: %w", url, err)
	}
	return liveAnswer{raw: raw, ans: ans}, nil
}

// parseRetryAfter reads the seconds form of Retry-After; the date form is
// rare on APIs and the backoff covers it.
func parseRetryAfter(v string) time.Duration {
	secs, err := strconv.Atoi(v)
	if err != nil || secs <= 0 {
		return 0
	}
	return time.Duration(min(secs, 3600)) * time.Second
}
