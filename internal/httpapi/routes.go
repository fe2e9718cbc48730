package httpapi

import "net/http"

// Handler returns every route of the app, wrapped in the middleware that
// applies to all of them (outermost first).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()

	// Open to all: probes, metrics and the dashboard's static files.
	mux.Handle("GET /healthz", s.handle(s.healthz))
	mux.Handle("GET /readyz", s.handle(s.readyz))
	if s.Metrics != nil {
		mux.Handle("GET /metrics", s.Metrics)
	}

	// Accounts (internal/accounts).
	s.accountRoutes(mux)

	// Purchases: logged-in users only.
	mux.Handle("GET /purchases", s.requireUser(s.handle(s.recentPurchases)))
	mux.Handle("GET /purchase/search", s.requireUser(s.handle(s.searchPurchases)))
	mux.Handle("GET /purchases/search", s.requireUser(s.handle(s.searchPurchases)))
	mux.Handle("GET /purchases/history", s.requireUser(s.handle(s.purchaseHistory)))
	mux.Handle("GET /purchases/revenue", s.requireUser(s.handle(s.purchaseRevenue)))
	mux.Handle("GET /purchases/top-sellers", s.requireUser(s.handle(s.topSellers)))
	mux.Handle("GET /purchases/by-country", s.requireUser(s.handle(s.purchasesByCountry)))
	mux.Handle("GET /feed/status", s.requireUser(s.handle(s.feedStatus)))

	// The live WebSocket checks the session itself (see requireSocketUser).
	if s.Live != nil {
		mux.Handle("GET /ws", s.requireSocketUser(s.Live))
	}

	// The dashboard: / needs a login, /login and /register do not, and any
	// other path is a static file or the app's index.html.
	mux.Handle("GET /{$}", s.requirePage(s.webApp()))
	mux.Handle("GET /", s.webApp())

	return chain(mux,
		s.recoverPanics,
		s.logRequests,
		s.securityHeaders,
		s.crossOriginProtection,
		s.loadSession,
	)
}

// chain wraps h in middleware, the first one outermost.
func chain(h http.Handler, middleware ...func(http.Handler) http.Handler) http.Handler {
	for i := len(middleware) - 1; i >= 0; i-- {
		h = middleware[i](h)
	}
	return h
}
