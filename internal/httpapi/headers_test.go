package httpapi

import (
	"testing"

	"github.com/beatsbyredis/beats/internal/accounts"
)

func TestCrossOriginPostsAreRefused(t *testing.T) {
	env := newAccountsEnv(t, accounts.Options{}, Deps{Origins: []string{"https://beats.example"}})
	c := env.browser(t)
	tests := []struct {
		name   string
		header map[string]string
		status int
	}{
		{"another site's page", map[string]string{"Origin": "https://evil.example"}, 403},
		{"another site per Fetch metadata", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"a trusted origin", map[string]string{"Origin": "https://beats.example"}, 200},
		{"the same origin", map[string]string{"Sec-Fetch-Site": "same-origin"}, 401},
		{"no browser headers (curl)", nil, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Registering then logging in as someone else: 200 only if both pass.
			if tt.status == 200 {
				env.run(t, c, step{method: "POST", path: "/account/register", json: `{"username":"trusted","password":"correct horse"}`, header: tt.header, status: 200})
				return
			}
			env.run(t, c, step{method: "POST", path: "/account/login", json: alice("wrong password"), header: tt.header, status: tt.status})
		})
	}
	env.run(t, c, step{method: "GET", path: "/healthz", header: map[string]string{"Origin": "https://evil.example"}, status: 200})
}

func TestSecurityHeaders(t *testing.T) {
	env := newAccountsEnv(t, accounts.Options{}, Deps{})
	want := map[string]string{
		"Content-Security-Policy": "default-src 'self'; img-src 'self' data: https://f4.bcbits.com; style-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
		"X-Frame-Options":         "DENY",
	}
	for _, path := range []string{"/healthz", "/login", "/account/me", "/"} {
		resp, _ := env.run(t, env.browser(t), step{method: "GET", path: path, status: map[string]int{"/healthz": 200, "/login": 200, "/account/me": 401, "/": 303}[path]})
		for k, v := range want {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("GET %s %s = %q; want %q", path, k, got, v)
			}
		}
	}
}
