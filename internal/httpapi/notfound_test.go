package httpapi

import (
	"testing"

	"github.com/beatsbyredis/beats/internal/accounts"
)

// TestUnknownPaths: a path under the API's prefixes that no route serves is
// a JSON 404, logged in or not and whatever the method (it used to answer
// 200 with the dashboard's page, and other methods a plain-text 405); a
// method a route does not take is a JSON 405 with Allow; only page paths
// fall back to index.html.
func TestUnknownPaths(t *testing.T) {
	env := newAccountsEnv(t, accounts.Options{}, Deps{})
	notFound := `{"error":"not found"}`
	methodNotAllowed := `{"error":"method not allowed"}`
	allow := map[string]string{"/purchases": "GET, HEAD", "/account/login": "POST", "/login": "GET, HEAD"}
	for _, loggedIn := range []bool{false, true} {
		c := env.browser(t)
		if loggedIn {
			env.run(t, c, step{method: "POST", path: "/account/register", json: alice("correct horse"), status: 200})
		}
		for _, st := range []step{
			{method: "GET", path: "/purchases/%2F", status: 404, body: notFound},
			{method: "GET", path: "/purchase/nothing", status: 404, body: notFound},
			{method: "GET", path: "/api/nothing", status: 404, body: notFound},
			{method: "GET", path: "/account/nothing", status: 404, body: notFound},
			{method: "GET", path: "/feed/nothing", status: 404, body: notFound},
			{method: "GET", path: "/watchlist/matches/nothing", status: 404, body: notFound},
			{method: "GET", path: "/assets/missing.js", status: 404, body: notFound},
			{method: "POST", path: "/api/nothing", status: 404, body: notFound},
			{method: "DELETE", path: "/purchases/%2F", status: 404, body: notFound},
			{method: "DELETE", path: "/account/sessions/", status: 404, body: notFound},
			{method: "DELETE", path: "/purchases", status: 405, body: methodNotAllowed},
			{method: "PUT", path: "/account/login", status: 405, body: methodNotAllowed},
			{method: "POST", path: "/login", status: 405, body: methodNotAllowed},
			// Page paths: the dashboard's router takes them.
			{method: "GET", path: "/login", status: 200, body: dashboardHTML},
			{method: "GET", path: "/register", status: 200, body: dashboardHTML},
			{method: "GET", path: "/account", status: 200, body: dashboardHTML},
			{method: "GET", path: "/some/page", status: 200, body: dashboardHTML},
		} {
			resp, _ := env.run(t, c, st)
			if st.status >= 400 && resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Errorf("%s %s: Content-Type %q, want JSON", st.method, st.path, resp.Header.Get("Content-Type"))
			}
			if got := resp.Header.Get("Allow"); st.status == 405 && got != allow[st.path] {
				t.Errorf("%s %s: Allow %q, want %q", st.method, st.path, got, allow[st.path])
			}
		}
	}
}
