package ingest

import (
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// DecodeAndNormalize exposes entry decoding to the external tests.
func DecodeAndNormalize(t *testing.T, m redis.XMessage) purchases.Purchase {
	t.Helper()
	it, err := decodeFeedItem(m)
	if err != nil {
		t.Fatal(err)
	}
	return purchases.Normalize(it)
}
