package accounts

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/redistest"
)

func TestJSONCodecRoundTrip(t *testing.T) {
	deadline := time.Date(2023, 12, 2, 16, 20, 43, 242_000_000, time.UTC)
	values := map[string]any{"token": "abc+/=", "tokenExpiresOn": "2023-08-04T17:20:43.241Z", "__rememberMe": true}
	b, err := JSONCodec{}.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil || doc["deadline"] != "2023-12-02T16:20:43.242Z" || doc["token"] != "abc+/=" {
		t.Fatalf("encoded %s, %v", b, err)
	}
	gotDeadline, gotValues, err := JSONCodec{}.Decode(b)
	if err != nil || !gotDeadline.Equal(deadline) || !maps.Equal(gotValues, values) {
		t.Fatalf("Decode = %v, %v, %v; want %v, %v", gotDeadline, gotValues, err, deadline, values)
	}
	if _, err := (JSONCodec{}).Encode(deadline, map[string]any{"deadline": "x"}); err == nil {
		t.Fatal("Encode accepted the reserved key deadline")
	}
	for _, bad := range []string{`{`, `{"token":"x"}`, `{"deadline":"yesterday"}`} {
		if _, _, err := (JSONCodec{}).Decode([]byte(bad)); err == nil {
			t.Errorf("Decode(%s) succeeded", bad)
		}
	}
}

// sessionDoc reads a session document as a map.
func sessionDoc(t *testing.T, rdb *redis.Client, id string) map[string]any {
	t.Helper()
	raw, err := rdb.Do(context.Background(), "JSON.GET", SessionPrefix+id).Text()
	if err != nil {
		t.Fatalf("JSON.GET session:%s: %v", id, err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestSessionStore(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.New(t)
	st := NewSessionStore(rdb)
	if _, found, err := st.Find("nope"); found || err != nil {
		t.Fatalf("Find missing = %v, %v", found, err)
	}
	if err := st.Commit("s1", []byte(`{"a":"b"}`), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	b, found, err := st.Find("s1")
	if err != nil || !found || string(b) != `{"a":"b"}` {
		t.Fatalf("Find = %s, %v, %v", b, found, err)
	}
	if ttl, _ := rdb.TTL(ctx, SessionPrefix+"s1").Result(); ttl < 3599*time.Second || ttl > 3600*time.Second {
		t.Fatalf("TTL = %v; want 3600s", ttl)
	}
	if err := st.Delete("s1"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := st.Find("s1"); found {
		t.Fatal("found after Delete")
	}
}

// A request that loaded the session before a refresh must not write the
// replaced tokens back when it ends.
func TestSessionCommitKeepsNewerTokens(t *testing.T) {
	rdb := redistest.New(t)
	st := NewSessionStore(rdb)
	doc := func(account, token, expires, other string) []byte {
		b, _ := json.Marshal(map[string]string{"accountId": account, "token": token, "refresh": "r" + token,
			"tokenExpiresOn": expires, "refreshExpiresOn": "2024-01-01T00:00:00.000Z", "other": other, "deadline": "2024-01-01T00:00:00.000Z"})
		return b
	}
	tests := []struct {
		name      string
		stored    []byte
		written   []byte
		wantToken string
	}{
		{"newer tokens are written", doc("A", "t1", "2023-08-04T17:00:00.000Z", "x"), doc("A", "t2", "2023-08-04T18:00:00.000Z", "y"), "t2"},
		{"older tokens are not", doc("A", "t2", "2023-08-04T18:00:00.000Z", "x"), doc("A", "t1", "2023-08-04T17:00:00.000Z", "y"), "t2"},
		{"another account's tokens are", doc("A", "t2", "2023-08-04T18:00:00.000Z", "x"), doc("B", "t1", "2023-08-04T17:00:00.000Z", "y"), "t1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expiry := time.Now().Add(time.Hour)
			if err := st.Commit("s", tt.stored, expiry); err != nil {
				t.Fatal(err)
			}
			if err := st.Commit("s", tt.written, expiry); err != nil {
				t.Fatal(err)
			}
			got := sessionDoc(t, rdb, "s")
			if got["token"] != tt.wantToken || got["refresh"] != "r"+tt.wantToken {
				t.Fatalf("token = %v, refresh %v; want %s", got["token"], got["refresh"], tt.wantToken)
			}
			if got["other"] != "y" {
				t.Fatalf("other = %v; want the written value y", got["other"])
			}
		})
	}
}

func TestSessionManagerWritesTheSeedShape(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.New(t)
	if plain := NewSessionManager(rdb, false).Cookie; plain.Name != "beats_session" || plain.Secure || plain.Persist {
		t.Fatalf("manager without secure cookies: %+v", plain)
	}
	sm := NewSessionManager(rdb, true)
	if sm.Cookie.Name != "__Host-beats_session" || !sm.Cookie.HttpOnly || !sm.Cookie.Secure || sm.Cookie.Path != "/" || sm.Cookie.Domain != "" || sm.Cookie.Persist || sm.IdleTimeout != 0 {
		t.Fatalf("manager %+v; want a __Host- cookie, Secure, Path=/, no Domain, for the browser's session", sm.Cookie)
	}
	exp := time.Date(2023, 8, 4, 17, 20, 43, 241_000_000, time.UTC)
	want := Session{
		User:   User{ID: "01H6YHTCNRVT8QEB60ES7YG8XW", Username: "alice"},
		Tokens: Tokens{AccountID: "01H6YHTCNRVT8QEB60ES7YG8XX", Token: "tok", Refresh: "ref", TokenExpiresOn: exp, RefreshExpiresOn: exp.Add(DefaultRememberFor)},
	}
	rctx, err := sm.Load(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := SessionFrom(rctx, sm); ok {
		t.Fatal("empty session holds a login")
	}
	PutSession(rctx, sm, want)
	cookie, _, err := sm.Commit(rctx)
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := rdb.Keys(ctx, SessionPrefix+"*").Result()
	if len(keys) != 1 || keys[0] == SessionPrefix+cookie {
		t.Fatalf("session keys %v; want one, named by the cookie's hash", keys)
	}
	doc := sessionDoc(t, rdb, keys[0][len(SessionPrefix):])
	if doc["tokenExpiresOn"] != "2023-08-04T17:20:43.241Z" || doc["refreshExpiresOn"] != "2023-09-03T17:20:43.241Z" ||
		doc["token"] != "tok" || doc["refresh"] != "ref" || doc["userId"] != want.User.ID {
		t.Fatalf("session document %v", doc)
	}
	if ttl, _ := rdb.TTL(ctx, keys[0]).Result(); ttl < 3599*time.Second || ttl > 3600*time.Second {
		t.Fatalf("TTL = %v; want 3600s", ttl)
	}
	later, err := sm.Load(ctx, cookie)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := SessionFrom(later, sm); !ok || got != want {
		t.Fatalf("SessionFrom = %+v, %v; want %+v", got, ok, want)
	}
}

// TestSessionStoreKeepsTheIdleHour: a session document lives an idle hour
// after it is written, and each read starts the hour again; never past the
// session's own end.
func TestSessionStoreKeepsTheIdleHour(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.New(t)
	store := NewSessionStore(rdb)
	key := SessionPrefix + "abc"
	if err := store.CommitCtx(ctx, "abc", []byte(`{"token":"t"}`), time.Now().Add(DefaultRememberFor)); err != nil {
		t.Fatal(err)
	}
	if ttl := rdb.TTL(ctx, key).Val(); ttl <= 3590*time.Second || ttl > time.Hour {
		t.Fatalf("TTL after commit = %v, want 3600 s", ttl)
	}
	rdb.Expire(ctx, key, 10*time.Minute) // as if 50 idle minutes had passed
	if _, found, err := store.FindCtx(ctx, "abc"); err != nil || !found {
		t.Fatalf("FindCtx = %v, %v", found, err)
	}
	if ttl := rdb.TTL(ctx, key).Val(); ttl <= 3590*time.Second {
		t.Fatalf("TTL after a read = %v, want renewed to 3600 s", ttl)
	}
	if err := store.CommitCtx(ctx, "abc", []byte(`{}`), time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if ttl := rdb.TTL(ctx, key).Val(); ttl > time.Minute {
		t.Fatalf("TTL of a session ending in a minute = %v", ttl)
	}
	if _, found, err := store.FindCtx(ctx, "missing"); err != nil || found {
		t.Fatalf("FindCtx(missing) = %v, %v", found, err)
	}
}

// TestSessionDeadlineIsEnforced: the idle hour never carries a session past
// its deadline, and a session past it is gone whatever its TTL.
func TestSessionDeadlineIsEnforced(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.New(t)
	store := NewSessionStore(rdb)
	doc := func(deadline time.Time) []byte {
		return []byte(`{"token":"t","deadline":"` + isoTime(deadline) + `"}`)
	}
	key := SessionPrefix + "abc"

	// Ten minutes to go: a read renews the idle hour only up to the deadline.
	if err := rdb.Do(ctx, "JSON.SET", key, "$", doc(time.Now().Add(10*time.Minute))).Err(); err != nil {
		t.Fatal(err)
	}
	rdb.Expire(ctx, key, 5*time.Minute)
	if _, found, err := store.FindCtx(ctx, "abc"); err != nil || !found {
		t.Fatalf("FindCtx before the deadline = %v, %v", found, err)
	}
	if ttl := rdb.PTTL(ctx, key).Val(); ttl < 9*time.Minute || ttl > 10*time.Minute {
		t.Fatalf("TTL ten minutes before the deadline = %v; want about ten minutes, not an hour", ttl)
	}
	// Once this instance knows the session (and so its deadline), the read
	// caps the TTL in its own round trip.
	store.hints.set("abc", "acct")
	if _, _, err := store.FindCtx(ctx, "abc"); err != nil {
		t.Fatal(err)
	}
	trips := &redistest.RoundTrips{}
	rdb.AddHook(trips)
	rdb.Expire(ctx, key, 5*time.Minute)
	before := trips.Count()
	if _, found, err := store.FindCtx(ctx, "abc"); err != nil || !found {
		t.Fatalf("FindCtx = %v, %v", found, err)
	}
	if got := trips.Count() - before; got != 1 {
		t.Fatalf("a read in the session's last hour took %d round trips; want 1", got)
	}
	if ttl := rdb.PTTL(ctx, key).Val(); ttl < 9*time.Minute || ttl > 10*time.Minute {
		t.Fatalf("TTL after the capped read = %v; want about ten minutes", ttl)
	}

	// Past the deadline (a TTL set by hand, or by an older version) the
	// session is not found, and its document goes.
	if err := rdb.Do(ctx, "JSON.SET", key, "$", doc(time.Now().Add(-time.Second))).Err(); err != nil {
		t.Fatal(err)
	}
	rdb.Expire(ctx, key, time.Hour)
	if _, found, err := store.FindCtx(ctx, "abc"); err != nil || found {
		t.Fatalf("FindCtx past the deadline = %v, %v; want not found", found, err)
	}
	if n := rdb.Exists(ctx, key).Val(); n != 0 {
		t.Fatal("a session past its deadline kept its document")
	}
}

// TestSessionLastSeen: reads write lastSeen at most once a minute per
// instance, in the read's own round trip; a commit never puts an older one back.
func TestSessionLastSeen(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.New(t)
	store := NewSessionStore(rdb)
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	store.now = func() time.Time { return now }
	old := isoTime(now.Add(-time.Hour))
	if err := store.CommitCtx(ctx, "abc", []byte(`{"lastSeen":"`+old+`"}`), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	seen := func() string { return fmt.Sprint(sessionDoc(t, rdb, "abc")["lastSeen"]) }
	store.hints.set("abc", "acct") // the session has logged in on this instance
	for i, want := range []string{isoTime(now), isoTime(now)} {
		if _, found, err := store.FindCtx(ctx, "abc"); err != nil || !found {
			t.Fatal(found, err)
		}
		if got := seen(); got != want {
			t.Fatalf("lastSeen after read %d = %s; want %s", i+1, got, want)
		}
		now = now.Add(30 * time.Second) // the second read is within the minute: not written
	}
	now = now.Add(31 * time.Second)
	if _, _, err := store.FindCtx(ctx, "abc"); err != nil {
		t.Fatal(err)
	}
	if got := seen(); got != isoTime(now) {
		t.Fatalf("lastSeen a minute later = %s; want %s", got, isoTime(now))
	}
	if err := store.CommitCtx(ctx, "abc", []byte(`{"lastSeen":"`+old+`"}`), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := seen(); got != isoTime(now) {
		t.Fatalf("lastSeen after committing an older copy = %s; want %s kept", got, isoTime(now))
	}
}
