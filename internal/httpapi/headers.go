package httpapi

import "net/http"

// contentSecurityPolicy allows only the app's own scripts and connections;
// album art comes from Bandcamp's image host.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data: https://f4.bcbits.com; " +
	"style-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; " +
	"base-uri 'self'; form-action 'self'"

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if s.HTTPS {
			// A year, subdomains too: the __Host- cookie is never sent in clear.
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// crossOriginProtection refuses state-changing requests that a browser sent
// from another origin (CSRF), using Sec-Fetch-Site or Origin; Origins from
// the config are trusted too. Safe methods (GET, HEAD, OPTIONS) pass, which
// is why no GET changes anything.
func (s *Server) crossOriginProtection(next http.Handler) http.Handler {
	p := http.NewCrossOriginProtection()
	for _, o := range s.Origins {
		if err := p.AddTrustedOrigin(o); err != nil {
			s.log.Error("ignoring a trusted origin", "origin", o, "err", err)
		}
	}
	p.SetDenyHandler(s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return &Error{Status: http.StatusForbidden, Message: "cross-origin request refused"}
	}))
	return p.Handler(next)
}
