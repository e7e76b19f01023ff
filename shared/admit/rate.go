package admit

import (
	"sync"
	"time"
)

// Rate allows each key (a client's address, an e-mail address) n actions
// each period, refilled evenly: a token bucket per key, in memory. It
// bounds a burst from one process; the nil *Rate allows everything.
type Rate struct {
	n       float64
	per     time.Duration
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// NewRate allows n actions a key each period.
func NewRate(n int, per time.Duration) *Rate {
	return &Rate{n: float64(n), per: per, buckets: map[string]*bucket{}}
}

// Allow reports whether key may act at now, and counts it if so.
func (r *Rate) Allow(key string, now time.Time) bool {
	if r == nil || r.n <= 0 {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.buckets) > 10000 { // forget everyone rather than grow without bound
		r.buckets = map[string]*bucket{}
	}
	b, ok := r.buckets[key]
	if !ok {
		b = &bucket{tokens: r.n, last: now}
		r.buckets[key] = b
	}
	b.tokens = min(r.n, b.tokens+float64(now.Sub(b.last))/float64(r.per)*r.n)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
