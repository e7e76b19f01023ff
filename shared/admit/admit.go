// Package admit bounds the bytes of input held in memory at once, so a
// burst of large inputs (ten 39 MB e-mails and uploads together) is told
// to come back later instead of taking gigabytes. A process that serves
// several inputs at once (the local runner: web, API and SMTP) shares one
// Budget; a Lambda function serves one input per instance and needs none.
package admit

import "sync"

// Budget is a number of bytes that inputs being read and processed may
// hold together. The zero of *Budget (nil) admits everything.
type Budget struct {
	max  int64
	mu   sync.Mutex
	used int64
}

// New returns a budget of max bytes.
func New(max int64) *Budget { return &Budget{max: max} }

// Take reserves n bytes and reports whether it could: false when the
// inputs already admitted hold too much. One input larger than the whole
// budget is admitted when nothing else is, so no input is refused forever.
// Every true must be followed by Release(n).
func (b *Budget) Take(n int64) bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used > 0 && b.used+n > b.max {
		return false
	}
	b.used += n
	return true
}

// Release gives back n bytes taken.
func (b *Budget) Release(n int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
}
