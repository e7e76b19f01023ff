// Package admit bounds the bytes of input held in memory at once, so a
// burst of large inputs (ten 39 MB e-mails and uploads together) is told
// to come back later instead of taking gigabytes. A process that serves
// several inputs at once (the local runner: web, API and SMTP) shares one
// Budget; a Lambda function serves one input per instance and needs none.
package admit

import (
	"bytes"
	"errors"
	"io"
	"sync"
)

// ErrBusy is returned by Read when the budget is spent: the sender should
// try again shortly.
var ErrBusy = errors.New("admit: too much input is being read at once")

// step is how much more Read holds each time its buffer outgrows what it
// holds.
const step = 1 << 20

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

// Read reads r to its end, holding budget for the bytes read as it goes
// (size, when known, is held at once; then 1 MiB more at a time). It
// returns the bytes and how much it holds, which the caller gives back
// with Release when done with them. When the budget runs out it stops,
// holds nothing and returns ErrBusy; other errors are r's (nothing held).
func (b *Budget) Read(r io.Reader, size int64) ([]byte, int64, error) {
	held := min(max(size, 0), 64*step) + 4<<10 // a lying Content-Length holds no more than 64 MiB up front
	if !b.Take(held) {
		return nil, 0, ErrBusy
	}
	var buf bytes.Buffer
	chunk := make([]byte, 32<<10)
	for {
		n, err := r.Read(chunk)
		if int64(buf.Len()+n) > held {
			if !b.Take(step) {
				b.Release(held)
				return nil, 0, ErrBusy
			}
			held += step
		}
		buf.Write(chunk[:n])
		if err == io.EOF {
			return buf.Bytes(), held, nil
		}
		if err != nil {
			b.Release(held)
			return nil, 0, err
		}
	}
}
