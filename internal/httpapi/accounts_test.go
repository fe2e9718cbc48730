package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/beatsbyredis/beats/internal/accounts"
)

// Each scenario runs its steps in order with one browser (cookie jar).
func TestAccountFlows(t *testing.T) {
	const loginRequired = `{"error":"login required"}`
	accept := map[string]string{"Accept": "application/json"}
	scenarios := []struct {
		name  string
		steps []step
	}{
		{"JSON register, me, logout", []step{
			{method: "GET", path: "/account/me", status: 401, body: loginRequired},
			{method: "POST", path: "/account/register", json: alice("correct horse"), status: 200, body: `"username":"alice"`},
			{method: "GET", path: "/account/me", status: 200, body: `{"user":{"id":"`},
			{method: "GET", path: "/feed/status", status: 200},
			{method: "POST", path: "/account/logout", json: `{}`, status: 204},
			{method: "GET", path: "/account/me", status: 401, body: loginRequired},
			{method: "POST", path: "/account/login", json: alice("correct horse"), status: 200, body: `"username":"alice"`},
			{method: "GET", path: "/account/me", status: 200, body: `"username":"alice"`},
		}},
		{"form register, dashboard, logout", []step{
			{method: "GET", path: "/", status: 303, location: "/login"},
			{method: "POST", path: "/account/register", form: url.Values{"username": {"bob"}, "password": {"correct horse"}}, status: 303, location: "/"},
			{method: "GET", path: "/", status: 200, body: dashboardHTML},
			{method: "POST", path: "/account/logout", form: url.Values{}, status: 303, location: "/login"},
			{method: "GET", path: "/", status: 303, location: "/login"},
			{method: "POST", path: "/account/login", form: url.Values{"username": {"BOB"}, "password": {"correct horse"}}, status: 303, location: "/"},
			{method: "GET", path: "/", status: 200, body: dashboardHTML},
		}},
		{"form failures go back to their page", []step{
			{method: "POST", path: "/account/login", form: url.Values{"username": {"nobody"}, "password": {"correct horse"}}, status: 303, location: "/login?error=invalid+username+or+password"},
			{method: "POST", path: "/account/register", form: url.Values{"username": {"x"}, "password": {"correct horse"}}, status: 303, location: "/register?error=Usernames+have+3+to+32+characters."},
			{method: "GET", path: "/", status: 303, location: "/login"},
		}},
		{"JSON failures", []step{
			{method: "POST", path: "/account/register", json: alice("correct horse"), status: 200},
			{method: "POST", path: "/account/register", json: `{"username":"ALICE","password":"another password"}`, status: 409, body: `{"error":"that username is taken"}`},
			{method: "POST", path: "/account/register", json: `{"username":"carol","password":"short"}`, status: 400, body: `{"error":"Passwords have 12 to 1024 characters."}`},
			{method: "POST", path: "/account/register", json: `{"username":"a b c","password":"correct horse"}`, status: 400, body: `letters, digits`},
			{method: "POST", path: "/account/login", json: alice("wrong password"), status: 401, body: `{"error":"invalid username or password"}`},
			{method: "POST", path: "/account/login", json: `{"username":`, status: 400, body: "malformed"},
			{method: "POST", path: "/account/login", json: alice("correct horse") + `garbage`, status: 400, body: "malformed"},
			{method: "POST", path: "/account/login", json: alice("correct horse") + ` {}`, status: 400, body: "malformed"},
			{method: "POST", path: "/account/register", json: `{"username":"dave","password":"correct horse"}]`, status: 400, body: "malformed"},
			{method: "POST", path: "/account/login", json: alice("correct horse") + " \n", status: 200, body: `"username":"alice"`},
			{method: "POST", path: "/account/login", json: `{"username":"alice","password":"` + strings.Repeat("x", 20<<10) + `"}`, status: 413},
			{method: "POST", path: "/account/login", header: map[string]string{"Content-Type": "text/plain", "Accept": "application/json"}, status: 415},
		}},
		{"what needs a login", []step{
			{method: "GET", path: "/", status: 303, location: "/login"},
			{method: "GET", path: "/purchases", status: 401, body: loginRequired},
			{method: "GET", path: "/purchase/search?term=x", status: 401, body: loginRequired},
			{method: "GET", path: "/purchases/history", status: 401, body: loginRequired},
			{method: "GET", path: "/feed/status", status: 401, body: loginRequired},
			{method: "POST", path: "/account/refresh", header: accept, status: 401, body: loginRequired},
			{method: "GET", path: "/login", status: 200, body: dashboardHTML},
			{method: "GET", path: "/register", status: 200, body: dashboardHTML},
			{method: "GET", path: "/healthz", status: 200},
			{method: "GET", path: "/readyz", status: 200},
			{method: "GET", path: "/metrics", status: 404, body: `{"error":"not found"}`}, // only on --metrics-addr
			{method: "POST", path: "/account/logout", header: accept, status: 204},
		}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			env := newAccountsEnv(t, accounts.Options{}, Deps{})
			c := env.browser(t)
			for _, st := range sc.steps {
				env.run(t, c, st)
			}
		})
	}
}

// The answer to a login must not tell whether the username exists.
func TestLoginDoesNotRevealUsernames(t *testing.T) {
	env := newAccountsEnv(t, accounts.Options{}, Deps{})
	env.run(t, env.browser(t), step{method: "POST", path: "/account/register", json: alice("correct horse"), status: 200})
	type answer struct {
		status int
		body   string
	}
	var got []answer
	for _, body := range []string{alice("wrong password"), `{"username":"nobody","password":"wrong password"}`} {
		resp, b := env.run(t, env.browser(t), step{method: "POST", path: "/account/login", json: body, status: 401})
		got = append(got, answer{resp.StatusCode, b})
	}
	if got[0] != got[1] {
		t.Fatalf("wrong password answered %+v, unknown user %+v; want the same", got[0], got[1])
	}
}

func TestFailedLoginsAreRateLimited(t *testing.T) {
	env := newAccountsEnv(t, accounts.Options{}, Deps{})
	c := env.browser(t)
	env.run(t, c, step{method: "POST", path: "/account/register", json: alice("correct horse"), status: 200})
	for range 10 {
		env.run(t, c, step{method: "POST", path: "/account/login", json: alice("wrong password"), status: 401})
	}
	resp, _ := env.run(t, c, step{method: "POST", path: "/account/login", json: alice("correct horse"), status: 429, body: `{"error":"too many attempts, try again later"}`})
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || secs < 14*60 || secs > 15*60 {
		t.Fatalf("Retry-After = %q; want about 900 seconds", resp.Header.Get("Retry-After"))
	}
}

func TestConcurrentRegistrationsOverHTTP(t *testing.T) {
	env := newAccountsEnv(t, accounts.Options{}, Deps{})
	const n = 20
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			body := fmt.Sprintf(`{"username":"racer","password":"password number %d"}`, i)
			resp, err := env.browser(t).Post(env.url+"/account/register", "application/json", strings.NewReader(body))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	wg.Wait()
	counts := map[int]int{}
	for _, s := range statuses {
		counts[s]++
	}
	if counts[http.StatusOK] != 1 || counts[http.StatusConflict] != n-1 {
		t.Fatalf("statuses %v; want one 200 and %d 409", counts, n-1)
	}
}
