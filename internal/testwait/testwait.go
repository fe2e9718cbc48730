// Package testwait lets a test wait for a condition with a deadline instead
// of sleeping for a guessed time: it returns as soon as the condition holds
// and fails the test with what it was waiting for when it never does.
package testwait

import (
	"testing"
	"time"
)

// poll is how often the condition is checked.
const poll = 5 * time.Millisecond

// Until checks cond until it holds, failing t after within.
func Until(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	UntilSeen(t, within, what, func() (bool, string) { return cond(), "" })
}

// UntilSeen is Until for a condition that also says what it saw, which the
// failure message then shows.
func UntilSeen(t testing.TB, within time.Duration, what string, cond func() (ok bool, seen string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ok, seen := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			if seen != "" {
				t.Fatalf("timed out after %v waiting for %s (last seen: %s)", within, what, seen)
			} else {
				t.Fatalf("timed out after %v waiting for %s", within, what)
			}
			return // Fatalf has ended the test; this is for a TB that only records
		}
		time.Sleep(poll)
	}
}
