package feed

import (
	"context"
	"errors"
	"fmt"
)

// Status is what the dashboard is told about the feed, in /feed/status and
// in the WebSocket's {"feed": ...} message. Times are milliseconds since the
// epoch.
type Status struct {
	Mode    string `json:"mode"`    // live, replay or synthetic; "" while no instance has opened a source
	Running bool   `json:"running"` // some instance holds the feed lease
	// Healthy is false when the feed's last attempt failed, or the live API
	// has not answered for StaleAfter.
	Healthy bool `json:"healthy"`
	// LastSaleAt is the time of the newest sale the feed brought, or null.
	LastSaleAt *int64 `json:"lastSaleAt"`
	// LastError says what failed, for people ("Bandcamp unreachable"):
	// never an address, a URL or an internal message. Null when healthy.
	LastError *string `json:"lastError"`
	// Since is when the feed entered its present state (healthy or not),
	// or 0 when nothing is known.
	Since int64 `json:"since"`
}

// PublicError is err told for the dashboard: what failed, without the
// addresses and internal messages that the log keeps.
func PublicError(err error) string {
	var se *statusError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &se):
		return fmt.Sprintf("Bandcamp answered %d", se.code)
	case errors.Is(err, ErrBadAnswer):
		return "Bandcamp sent an answer that is not a sales feed"
	case errors.Is(err, context.DeadlineExceeded):
		return "Bandcamp did not answer in time"
	default:
		return "Bandcamp unreachable"
	}
}
