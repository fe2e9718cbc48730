package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/accounts"
)

func TestSessionDocumentAndCookie(t *testing.T) {
	ctx := context.Background()
	env := newAccountsEnv(t, accounts.Options{}, Deps{})
	resp, _ := env.run(t, env.browser(t), step{method: "POST", path: "/account/register", json: alice("correct horse"), status: 200})

	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "beats_session" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Secure {
		t.Fatalf("session cookie %+v; want beats_session, HttpOnly, SameSite=Lax, Path=/", cookie)
	}
	keys := sessionKeys(t, env.rdb)
	if len(keys) != 1 {
		t.Fatalf("session keys %v; want one", keys)
	}
	if ttl, err := env.rdb.TTL(ctx, keys[0]).Result(); err != nil || ttl < 3599*time.Second || ttl > 3600*time.Second {
		t.Fatalf("session TTL = %v, %v; want 3600s", ttl, err)
	}
	doc := jsonDoc(t, env.rdb, keys[0])
	for _, field := range []string{"tokenExpiresOn", "refreshExpiresOn"} {
		if _, err := time.Parse("2006-01-02T15:04:05.000Z", fmt.Sprint(doc[field])); err != nil {
			t.Errorf("session %s = %v; want an ISO time as the contract writes it", field, doc[field])
		}
	}
	for _, field := range []string{"token", "refresh", "accountId", "userId"} {
		if s, _ := doc[field].(string); s == "" {
			t.Errorf("session %s = %v; want a string", field, doc[field])
		}
	}
	account := jsonDoc(t, env.rdb, accounts.AccountKey(fmt.Sprint(doc["accountId"])))
	if account["userId"] != doc["userId"] {
		t.Fatalf("account document %v does not belong to session %v", account, doc)
	}
	if _, ok := account["tokenExpiresOn"].(float64); !ok {
		t.Fatalf("account tokenExpiresOn = %v; want epoch seconds", account["tokenExpiresOn"])
	}
}

// A session id known before login is worthless after it.
func TestLoginIssuesANewSessionID(t *testing.T) {
	env := newAccountsEnv(t, accounts.Options{}, Deps{})
	c := env.browser(t)
	env.run(t, c, step{method: "POST", path: "/account/register", json: `{"username":"mallory","password":"correct horse"}`, status: 200})
	before := c.Jar.Cookies(mustURL(t, env.url))
	env.run(t, c, step{method: "POST", path: "/account/login", json: alice("correct horse"), status: 401})
	env.run(t, c, step{method: "POST", path: "/account/register", json: alice("correct horse"), status: 200})
	after := c.Jar.Cookies(mustURL(t, env.url))
	if len(before) != 1 || len(after) != 1 || before[0].Value == after[0].Value {
		t.Fatalf("session cookie %v before login, %v after; want a new one", before, after)
	}
	// Whoever held the old id (mallory planted it) is not logged in.
	planted := &http.Client{CheckRedirect: c.CheckRedirect}
	env.run(t, planted, step{method: "GET", path: "/account/me", header: map[string]string{"Cookie": "beats_session=" + before[0].Value}, status: 401})
	env.run(t, c, step{method: "GET", path: "/account/me", status: 200, body: `"username":"alice"`})
	if keys := sessionKeys(t, env.rdb); len(keys) != 1 {
		t.Fatalf("session keys %v; want only the new one", keys)
	}
}

func TestExpiredAccessTokenIsRefreshed(t *testing.T) {
	env := newAccountsEnv(t, accounts.Options{}, Deps{})
	c := env.browser(t)
	env.run(t, c, step{method: "POST", path: "/account/register", json: alice("correct horse"), status: 200})
	key := sessionKeys(t, env.rdb)[0]
	before := jsonDoc(t, env.rdb, key)

	env.clock.Advance(accounts.AccessTTL + time.Minute)
	env.run(t, c, step{method: "GET", path: "/account/me", status: 200, body: `"username":"alice"`})
	after := jsonDoc(t, env.rdb, key)
	if after["token"] == before["token"] || after["refresh"] == before["refresh"] || after["accountId"] != before["accountId"] {
		t.Fatalf("session after expiry %v; want a new pair of the same account (before %v)", after, before)
	}
	if after["tokenExpiresOn"].(string) <= before["tokenExpiresOn"].(string) {
		t.Fatalf("tokenExpiresOn %v → %v; want later", before["tokenExpiresOn"], after["tokenExpiresOn"])
	}
	env.run(t, c, step{method: "GET", path: "/account/me", status: 200})
}

func TestRefreshAndReuse(t *testing.T) {
	ctx := context.Background()
	env := newAccountsEnv(t, accounts.Options{}, Deps{})
	c := env.browser(t)
	env.run(t, c, step{method: "POST", path: "/account/register", json: alice("correct horse"), status: 200})
	key := sessionKeys(t, env.rdb)[0]
	stolen, err := env.rdb.Do(ctx, "JSON.GET", key).Text()
	if err != nil {
		t.Fatal(err)
	}

	env.run(t, c, step{method: "POST", path: "/account/refresh", json: `{}`, status: 200, body: `"tokenExpiresOn":"`})
	if doc := jsonDoc(t, env.rdb, key); strings.Contains(stolen, fmt.Sprint(doc["refresh"])) {
		t.Fatal("refresh kept the refresh token")
	}
	env.run(t, c, step{method: "GET", path: "/account/me", status: 200})

	// Someone with a copy of the old session presents its used refresh token
	// once the grace for concurrent requests has passed.
	env.clock.Advance(accounts.AccessTTL + time.Minute)
	if err := env.rdb.Do(ctx, "JSON.SET", key, "$", stolen).Err(); err != nil {
		t.Fatal(err)
	}
	env.run(t, c, step{method: "GET", path: "/account/me", status: 401})
	account := accounts.AccountKey(fmt.Sprint(jsonDocFrom(t, stolen)["accountId"]))
	if n, _ := env.rdb.Exists(ctx, account).Result(); n != 0 {
		t.Fatal("the account survived the reuse of a refresh token")
	}
	if n, _ := env.rdb.Exists(ctx, key).Result(); n != 0 {
		t.Fatal("the session survived the reuse of a refresh token")
	}
}

// The socket route gets the session checked without scs wrapping its
// ResponseWriter, so it can hijack the connection.
func TestSocketRouteChecksTheSession(t *testing.T) {
	live := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := accounts.UserFrom(r.Context())
		if !ok {
			http.Error(w, "no user in context", http.StatusInternalServerError)
			return
		}
		if typ := fmt.Sprintf("%T", w); strings.Contains(typ, "scs.") {
			http.Error(w, "ResponseWriter wrapped by "+typ, http.StatusInternalServerError)
			return
		}
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(u.Username), u.Username)
		buf.Flush()
	})
	env := newAccountsEnv(t, accounts.Options{}, Deps{Live: live})
	upgrade := map[string]string{"Connection": "Upgrade", "Upgrade": "websocket"}
	c := env.browser(t)
	env.run(t, c, step{method: "GET", path: "/ws", header: upgrade, status: 401, body: `{"error":"login required"}`})
	env.run(t, c, step{method: "POST", path: "/account/register", json: alice("correct horse"), status: 200})
	env.run(t, c, step{method: "GET", path: "/ws", header: upgrade, status: 200, body: "alice"})

	// An expired access token is refreshed and saved by the check itself.
	key := sessionKeys(t, env.rdb)[0]
	before := jsonDoc(t, env.rdb, key)
	env.clock.Advance(accounts.AccessTTL + time.Minute)
	env.run(t, c, step{method: "GET", path: "/ws", header: upgrade, status: 200, body: "alice"})
	if after := jsonDoc(t, env.rdb, key); after["token"] == before["token"] {
		t.Fatal("the socket check did not save the refreshed tokens")
	}
	env.run(t, c, step{method: "GET", path: "/account/me", status: 200})
}
