// Package httpapi is the HTTP face of the app: every route is in routes.go,
// handlers return errors, and errors.go maps them to statuses in one place.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"

	"github.com/alexedwards/scs/v2"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/purchases"
)

// PurchaseReader is what the purchases routes need.
type PurchaseReader interface {
	Get(ctx context.Context, id string) (purchases.Purchase, error)
	SearchPage(ctx context.Context, term string, after *purchases.Cursor) (purchases.Page, error)
	Recent(ctx context.Context) ([]purchases.Purchase, error)
	History(ctx context.Context, q purchases.HistoryQuery) ([]purchases.Point, error)
	Revenue(ctx context.Context, q purchases.HistoryQuery) ([]purchases.Point, error)
	TopSellers(ctx context.Context, n int) (purchases.TopSellersChart, error)
}

// Deps are what the server is built from.
type Deps struct {
	Logger    *slog.Logger
	Purchases PurchaseReader
	// Analytics answers the range routes (summary, breakdown, trending,
	// export, the map, top sellers of a range); without it they are absent.
	Analytics Analytics
	// Live is the WebSocket handler (internal/realtime).
	Live http.Handler
	// Ready reports whether this instance can serve (Redis, index, feed).
	Ready func(ctx context.Context) error
	// Feed reports the feed's mode and health.
	Feed func(ctx context.Context) (feed.Status, error)
	// Web serves the built dashboard's files.
	Web http.FileSystem
	// Accounts logs users in and checks logins (*accounts.Service). Without
	// it or Sessions, every route that needs a login refuses.
	Accounts AccountService
	// Sessions is accounts.NewSessionManager's.
	Sessions *scs.SessionManager
	// Origins are trusted besides the request's own for cross-origin checks (config Origins).
	Origins []string
	// TrustedProxies may set X-Forwarded-For (config TrustedProxies).
	TrustedProxies []netip.Prefix
	// HTTPS: the app is served over HTTPS (--secure-cookies), so browsers
	// are told to use nothing else (Strict-Transport-Security).
	HTTPS bool
	// Watchlist keeps the users' watched terms (*watchlist.Service); without
	// it there are no /watchlist routes.
	Watchlist Watchlist
}

// Server holds the routes' dependencies.
type Server struct {
	Deps
	log *slog.Logger
}

// New returns a server over d.
func New(d Deps) *Server {
	s := &Server{Deps: d, log: d.Logger}
	if s.log == nil {
		s.log = discardLogger
	}
	if s.Sessions != nil {
		s.Sessions.ErrorFunc = s.writeError // session store failures answer like any error
	}
	return s
}
