package httpapi

import "net/http"

// Handler returns every route of the app, wrapped in the middleware that
// applies to all of them (outermost first).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()

	// Open to all: probes and the dashboard's static files. They never
	// touch the session, so they answer even when Redis does not. Metrics
	// are served on --metrics-addr only; here they are not found.
	mux.Handle("GET /healthz", s.handle(s.healthz))
	mux.Handle("GET /readyz", s.handle(s.readyz))
	mux.Handle("GET /metrics", s.handle(notFound))

	// Accounts (internal/accounts): plain HTML forms may post to register
	// and login, so they answer forms with redirects and JSON with JSON.
	if s.Accounts != nil && s.Sessions != nil {
		mux.Handle("POST /account/register", s.loadSession(s.handleForm("/register", s.register)))
		mux.Handle("POST /account/login", s.loadSession(s.handleForm("/login", s.login)))
		mux.Handle("POST /account/refresh", s.api(s.refresh))
		mux.Handle("POST /account/logout", s.loadSession(s.handle(s.logout)))
		mux.Handle("GET /account/me", s.api(s.me))
		// The account page: each action asks for the password again.
		mux.Handle("POST /account/password", s.api(s.changePassword))
		mux.Handle("POST /account/logout-all", s.api(s.logoutAll))
		mux.Handle("GET /account/sessions", s.api(s.listSessions))
		mux.Handle("DELETE /account/sessions/{id}", s.api(s.endSession))
	}

	// Purchases: logged-in users only.
	mux.Handle("GET /purchases", s.api(s.recentPurchases))
	mux.Handle("GET /purchase/search", s.api(s.searchPurchases))
	mux.Handle("GET /purchases/search", s.api(s.searchPurchases))
	mux.Handle("GET /purchases/history", s.api(s.purchaseHistory))
	mux.Handle("GET /purchases/revenue", s.api(s.purchaseRevenue))
	mux.Handle("GET /purchases/top-sellers", s.api(s.topSellers))
	if s.Analytics != nil { // any range (internal/analytics)
		mux.Handle("GET /purchases/by-country", s.api(s.purchasesByCountry))
		mux.Handle("GET /purchases/summary", s.api(s.purchaseSummary))
		mux.Handle("GET /purchases/breakdown", s.api(s.purchaseBreakdown))
		mux.Handle("GET /purchases/trending", s.api(s.purchaseTrending))
		mux.Handle("GET /purchases/export", s.api(s.exportPurchases))
	}
	mux.Handle("GET /purchases/{id}", s.api(s.getPurchase))
	mux.Handle("GET /feed/status", s.api(s.feedStatus))

	// The original app's browser client calls these (see original.go).
	mux.Handle("GET /purchase/purchases", s.api(s.recentPurchases))
	mux.Handle("GET /purchase/history", s.api(s.originalHistory))
	mux.Handle("GET /purchase/top-sellers", s.api(s.topSellers))
	mux.Handle("GET /api/config/ws", s.api(s.wsConfigHandler))

	// Watchlist (internal/watchlist): each user's watched terms and matches.
	if s.Watchlist != nil {
		mux.Handle("GET /watchlist", s.api(s.listWatches))
		mux.Handle("POST /watchlist", s.api(s.addWatch))
		mux.Handle("DELETE /watchlist/{id}", s.api(s.removeWatch))
		mux.Handle("GET /watchlist/matches", s.api(s.watchMatches))
	}

	// The live WebSocket loads the session itself (see requireSocketUser).
	if s.Live != nil {
		mux.Handle("GET /ws", s.requireSocketUser(s.Live))
	}

	// The dashboard: / needs a login, /login and /register do not, and any
	// other path is a static file, a JSON 404 under apiPrefixes, or the
	// app's index.html for its router.
	mux.Handle("GET /{$}", s.loadLogin(s.requirePage(s.webApp())))
	mux.Handle("GET /", s.webApp())

	return chain(s.jsonMuxErrors(mux),
		s.recoverPanics,
		s.logRequests,
		s.securityHeaders,
		s.crossOriginProtection,
	)
}

// apiPrefixes hold the API's routes: a path under one of them that no
// route serves is an unknown API path (a JSON 404), never a page.
var apiPrefixes = []string{"/account/", "/api/", "/feed/", "/purchase/", "/purchases/", "/watchlist/"}

// api is an endpoint that needs a logged-in user and answers JSON.
func (s *Server) api(h handlerFunc) http.Handler {
	return s.loadLogin(s.requireUser(s.handle(h)))
}

// chain wraps h in middleware, the first one outermost.
func chain(h http.Handler, middleware ...func(http.Handler) http.Handler) http.Handler {
	for i := len(middleware) - 1; i >= 0; i-- {
		h = middleware[i](h)
	}
	return h
}
