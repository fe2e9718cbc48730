package httpapi

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/accounts"
)

// TestNoLockoutThroughAProxy: behind a trusted proxy, guesses from many
// addresses (X-Forwarded-For) slow the guessers but never lock the owner
// out; one address's guesses stop that address only.
func TestNoLockoutThroughAProxy(t *testing.T) {
	env := newAccountsEnv(t, accounts.Options{}, Deps{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	from := func(ip string) map[string]string { return map[string]string{"X-Forwarded-For": ip} }
	c := env.browser(t)
	env.run(t, c, step{method: "POST", path: "/account/register", json: alice("correct horse"), status: 200})
	env.run(t, c, step{method: "POST", path: "/account/register", json: `{"username":"bob","password":"battery staple"}`, status: 200})
	bob := func(pw string) string { return `{"username":"bob","password":"` + pw + `"}` }

	// One address guessing one name is stopped there, and only there.
	for range 10 {
		env.run(t, env.browser(t), step{method: "POST", path: "/account/login", json: bob("wrong password"), header: from("192.0.2.66"), status: 401})
	}
	resp, _ := env.run(t, env.browser(t), step{method: "POST", path: "/account/login", json: bob("battery staple"), header: from("192.0.2.66"), status: 429})
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || secs < 14*60 || secs > 15*60 {
		t.Fatalf("Retry-After = %q; want about 900 seconds", resp.Header.Get("Retry-After"))
	}
	env.run(t, env.browser(t), step{method: "POST", path: "/account/login", json: bob("battery staple"), header: from("198.51.100.8"), status: 200})

	// Many addresses guessing one name.
	for i := range 60 {
		env.run(t, env.browser(t), step{method: "POST", path: "/account/login", json: alice("wrong password"), header: from(fmt.Sprintf("203.0.113.%d", i)), status: 401})
	}
	env.run(t, env.browser(t), step{method: "POST", path: "/account/login", json: alice("correct horse"), header: from("198.51.100.7"), status: 200, body: `"username":"alice"`})

	// The addresses that failed share one attempt per 30 s on the name.
	env.run(t, env.browser(t), step{method: "POST", path: "/account/login", json: alice("correct horse"), header: from("203.0.113.1"), status: 200})
	resp, _ = env.run(t, env.browser(t), step{method: "POST", path: "/account/login", json: alice("correct horse"), header: from("203.0.113.2"), status: 429})
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || secs < 1 || secs > 30 {
		t.Fatalf("Retry-After = %q; want at most 30 seconds", resp.Header.Get("Retry-After"))
	}
}

// cookieOf returns the named Set-Cookie of resp, failing t if there is none.
func cookieOf(t *testing.T, resp *http.Response, name string) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", name, resp.Header["Set-Cookie"])
	return nil
}

func TestKeepMeSignedIn(t *testing.T) {
	tests := []struct {
		name     string
		st       step
		remember bool
	}{
		{"JSON without remember", step{json: alice("correct horse")}, false},
		{"JSON with remember", step{json: `{"username":"alice","password":"correct horse","remember":true}`}, true},
		{"form without remember", step{form: url.Values{"username": {"alice"}, "password": {"correct horse"}}}, false},
		{"form with remember=on", step{form: url.Values{"username": {"alice"}, "password": {"correct horse"}, "remember": {"on"}}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newAccountsEnv(t, accounts.Options{RememberFor: 7 * 24 * time.Hour}, Deps{})
			st := tt.st
			st.method, st.path, st.status = "POST", "/account/register", 200
			if st.form != nil {
				st.status = 303
			}
			resp, _ := env.run(t, env.browser(t), st)
			cookie := cookieOf(t, resp, accounts.CookieName)
			lifetime := accounts.LoginLifetime
			if tt.remember {
				lifetime = 7 * 24 * time.Hour
				if cookie.MaxAge < int(lifetime.Seconds())-5 || cookie.MaxAge > int(lifetime.Seconds())+1 {
					t.Fatalf("cookie Max-Age = %d; want --remember-for", cookie.MaxAge)
				}
			} else if cookie.MaxAge != 0 || !cookie.Expires.IsZero() {
				t.Fatalf("cookie %v; want a browser-session cookie (no Max-Age, no Expires)", resp.Header["Set-Cookie"])
			}
			key := sessionKeys(t, env.rdb)[0]
			doc := jsonDoc(t, env.rdb, key)
			deadline, err := time.Parse("2006-01-02T15:04:05.000Z", fmt.Sprint(doc["deadline"]))
			if err != nil || deadline.Sub(env.clock.Now()) < lifetime-time.Minute || deadline.Sub(env.clock.Now()) > lifetime {
				t.Fatalf("session deadline %v; want %v from now", doc["deadline"], lifetime)
			}
			if ttl := env.rdb.TTL(t.Context(), key).Val(); ttl < 3590*time.Second || ttl > time.Hour {
				t.Fatalf("session TTL %v; want the idle hour", ttl)
			}
			if ttl := env.rdb.TTL(t.Context(), accounts.AccountKey(fmt.Sprint(doc["accountId"]))).Val(); ttl < lifetime-time.Minute || ttl > lifetime {
				t.Fatalf("account TTL %v; want the login's lifetime %v", ttl, lifetime)
			}
		})
	}
}

// Without "Keep me signed in", a session ends 12 hours after login however
// active it is.
func TestLoginEndsAfterTwelveHours(t *testing.T) {
	env := newAccountsEnv(t, accounts.Options{}, Deps{})
	c := env.browser(t)
	env.run(t, c, step{method: "POST", path: "/account/register", json: alice("correct horse"), status: 200})
	for range 14 { // a request every 50 minutes for 11 h 40 min
		env.clock.Advance(50 * time.Minute)
		env.run(t, c, step{method: "GET", path: "/account/me", status: 200})
	}
	env.clock.Advance(21 * time.Minute)
	env.run(t, c, step{method: "GET", path: "/account/me", status: 401})
}

func TestSecureCookiesAndHSTS(t *testing.T) {
	for _, https := range []bool{false, true} {
		env := newAccountsEnv(t, accounts.Options{}, Deps{HTTPS: https})
		resp, _ := env.run(t, env.browser(t), step{method: "POST", path: "/account/register", json: alice("correct horse"), status: 200})
		hsts := resp.Header.Get("Strict-Transport-Security")
		if !https {
			if hsts != "" {
				t.Fatalf("HSTS %q over plain HTTP", hsts)
			}
			cookieOf(t, resp, "beats_session")
			continue
		}
		if hsts != "max-age=31536000; includeSubDomains" {
			t.Fatalf("Strict-Transport-Security = %q", hsts)
		}
		c := cookieOf(t, resp, "__Host-beats_session")
		if !c.Secure || c.Path != "/" || c.Domain != "" || !c.HttpOnly {
			t.Fatalf("cookie %+v; want __Host-: Secure, Path=/, no Domain", c)
		}
		// The prefixed cookie is the one read back.
		plain := &http.Client{CheckRedirect: env.browser(t).CheckRedirect}
		env.run(t, plain, step{method: "GET", path: "/account/me", header: map[string]string{"Cookie": c.Name + "=" + c.Value}, status: 200})
	}
}

func TestPasswordPolicyAndLookalikes(t *testing.T) {
	env := newAccountsEnv(t, accounts.Options{}, Deps{})
	for _, st := range []step{
		{method: "POST", path: "/account/register", json: alice("password1234"), status: 400, body: `most common`},
		{method: "POST", path: "/account/register", json: alice("12345678901"), status: 400, body: `{"error":"Passwords have 12 to 1024 characters."}`},
		{method: "POST", path: "/account/register", form: url.Values{"username": {"alice"}, "password": {"password1234"}}, status: 303, location: "/register?error=That+password+is+one+of+the+most+common+ones%2C+which+are+guessed+first.+Choose+another%3A+a+few+unrelated+words+make+a+good+one."},
		{method: "POST", path: "/account/register", json: alice("correct horse"), status: 200},
		{method: "POST", path: "/account/register", json: `{"username":"\u0430lice","password":"correct horse"}`, status: 409, body: `{"error":"that username looks like one that is taken"}`},
	} {
		env.run(t, env.browser(t), st)
	}
}

// TestAccountPage: the password and session endpoints, as the account page
// uses them from one browser while another browser is logged in too.
func TestAccountPage(t *testing.T) {
	env := newAccountsEnv(t, accounts.Options{}, Deps{})
	here, phone, other := env.browser(t), env.browser(t), env.browser(t)
	ua := map[string]string{"User-Agent": "Phone/1.0"}
	env.run(t, here, step{method: "POST", path: "/account/register", json: alice("correct horse"), status: 200})
	env.run(t, phone, step{method: "POST", path: "/account/login", json: alice("correct horse"), header: ua, status: 200})
	env.run(t, other, step{method: "POST", path: "/account/register", json: `{"username":"bob","password":"battery staple"}`, status: 200})

	_, body := env.run(t, here, step{method: "GET", path: "/account/sessions", status: 200, body: `"userAgent":"Phone/1.0"`})
	list := jsonDocFrom(t, body)["sessions"].([]any)
	if len(list) != 2 {
		t.Fatalf("sessions %s; want two", body)
	}
	for _, leak := range []string{"token", "refresh", "Hash"} {
		if strings.Contains(body, leak) {
			t.Fatalf("sessions list %s mentions %q", body, leak)
		}
	}
	phoneID := fmt.Sprint(list[0].(map[string]any)["id"]) // newest first
	if list[0].(map[string]any)["current"] != false || list[1].(map[string]any)["current"] != true {
		t.Fatalf("sessions %s; want the phone's first, then the current one", body)
	}

	for _, st := range []step{
		{method: "GET", path: "/account/sessions", status: 401}, // (anonymous, below)
		{method: "POST", path: "/account/password", json: `{"current":"wrong horse","new":"a new passphrase"}`, status: 403, body: `{"error":"wrong password"}`},
		{method: "POST", path: "/account/password", json: `{"current":"correct horse","new":"password1234"}`, status: 400, body: "most common"},
		{method: "POST", path: "/account/password", json: `{"current":"correct horse","new":"a new passphrase"} {}`, status: 400, body: "malformed"},
		{method: "POST", path: "/account/password", header: map[string]string{"Content-Type": "text/plain"}, status: 415},
		{method: "POST", path: "/account/password", json: `{"current":"correct horse","new":"a new passphrase"}`, status: 200, body: `"username":"alice"`},
	} {
		client := here
		if st.status == 401 {
			client = env.browser(t)
		}
		env.run(t, client, st)
	}
	env.run(t, here, step{method: "GET", path: "/account/me", status: 200})
	env.run(t, phone, step{method: "GET", path: "/account/me", status: 401})
	env.run(t, other, step{method: "GET", path: "/account/me", status: 200})

	// Ending one session: the password again, and only one's own sessions.
	env.run(t, phone, step{method: "POST", path: "/account/login", json: alice("a new passphrase"), status: 200})
	_, body = env.run(t, here, step{method: "GET", path: "/account/sessions", status: 200})
	phoneID = fmt.Sprint(jsonDocFrom(t, body)["sessions"].([]any)[0].(map[string]any)["id"])
	env.run(t, here, step{method: "DELETE", path: "/account/sessions/" + phoneID, json: `{"password":"correct horse"}`, status: 403})
	env.run(t, here, step{method: "DELETE", path: "/account/sessions/01ARZ3NDEKTSV4RRFFQ69G5FAV", json: `{"password":"a new passphrase"}`, status: 404})
	env.run(t, here, step{method: "DELETE", path: "/account/sessions/" + phoneID, json: `{"password":"a new passphrase"}`, status: 204})
	env.run(t, phone, step{method: "GET", path: "/account/me", status: 401})
	env.run(t, here, step{method: "GET", path: "/account/me", status: 200})

	// Log out everywhere, this session included.
	env.run(t, phone, step{method: "POST", path: "/account/login", json: alice("a new passphrase"), status: 200})
	env.run(t, here, step{method: "POST", path: "/account/logout-all", json: `{"password":"a new passphrase"}`, status: 204})
	env.run(t, here, step{method: "GET", path: "/account/me", status: 401})
	env.run(t, phone, step{method: "GET", path: "/account/me", status: 401})
	env.run(t, other, step{method: "GET", path: "/account/me", status: 200})
}
