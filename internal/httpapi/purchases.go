package httpapi

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/purchases"
)

// GET /purchase/search?term=...[&cursor=...]: up to 10 purchases matching
// term, newest first. When more match, the answer's Link header names the
// next page (rel="next"): the same URL with the cursor where this page ended.
func (s *Server) searchPurchases(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var after *purchases.Cursor
	if raw := q.Get("cursor"); raw != "" {
		c, err := purchases.ParseCursor(raw)
		if err != nil {
			return err
		}
		after = &c
	}
	page, err := s.Purchases.SearchPage(r.Context(), q.Get("term"), after)
	if err != nil {
		return err
	}
	if page.Next != nil {
		next := url.Values{"term": {q.Get("term")}, "cursor": {page.Next.String()}}
		w.Header().Set("Link", "<"+r.URL.Path+"?"+next.Encode()+`>; rel="next"`)
	}
	return writeJSON(w, http.StatusOK, page.Purchases)
}

// GET /purchases/{id}: one purchase.
func (s *Server) getPurchase(w http.ResponseWriter, r *http.Request) error {
	p, err := s.Purchases.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// GET /purchases: the 10 most recent purchases.
func (s *Server) recentPurchases(w http.ResponseWriter, r *http.Request) error {
	recent, err := s.Purchases.Recent(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, recent)
}

// GET /purchases/history[?from=ms&to=ms&bucket=ms]: [{x, y}] from sales_ts.
func (s *Server) purchaseHistory(w http.ResponseWriter, r *http.Request) error {
	q, err := historyQuery(r)
	if err != nil {
		return err
	}
	points, err := s.Purchases.History(r.Context(), q)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, points)
}

// GET /purchases/revenue[?from=ms&to=ms&bucket=ms]: [{x, y}] in USD.
func (s *Server) purchaseRevenue(w http.ResponseWriter, r *http.Request) error {
	q, err := historyQuery(r)
	if err != nil {
		return err
	}
	points, err := s.Purchases.Revenue(r.Context(), q)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, points)
}

// historyQuery reads from, to and bucket (milliseconds) and checks them.
func historyQuery(r *http.Request) (purchases.HistoryQuery, error) {
	var q purchases.HistoryQuery
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"from", &q.FromMS}, {"to", &q.ToMS}, {"bucket", &q.BucketMS}} {
		raw := r.URL.Query().Get(p.name)
		if raw == "" {
			continue
		}
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 0 {
			return q, BadRequest(p.name + " must be a whole number of milliseconds, 0 or more")
		}
		*p.dst = n
	}
	if q.ToMS > 0 && q.FromMS > q.ToMS {
		return q, BadRequest("from must not be after to")
	}
	if q.BucketMS > 0 && q.BucketMS < 1000 {
		return q, BadRequest("bucket must be at least 1000 ms")
	}
	return q, nil
}

// GET /feed/status: where sales come from and how the feed fares
// (feed.Status).
func (s *Server) feedStatus(w http.ResponseWriter, r *http.Request) error {
	var status feed.Status
	if s.Feed != nil {
		var err error
		if status, err = s.Feed(r.Context()); err != nil {
			return err
		}
	}
	return writeJSON(w, http.StatusOK, status)
}
