package bolt

import (
	"errors"

	bbolt "go.etcd.io/bbolt"
)

// write runs fn in a read-write transaction. Writes that arrive while
// another commit is syncing are committed together in the next transaction
// (group commit), so concurrent intakes share fsyncs, and a lone write
// never waits for company as bbolt's own Batch does. fn may run twice: if
// any function of a group fails, each is retried in a transaction of its
// own so one bad write cannot fail the others.
func (s *Store) write(fn func(*bbolt.Tx) error) error {
	req := writeReq{fn: fn, done: make(chan error, 1)}
	select {
	case s.writes <- req:
	case <-s.closed:
		return errors.New("bolt: store is closed")
	}
	return <-req.done
}

type writeReq struct {
	fn   func(*bbolt.Tx) error
	done chan error
}

// maxGroup bounds one group commit.
const maxGroup = 256

// writer is the one goroutine that commits.
func (s *Store) writer() {
	defer close(s.stopped)
	for {
		var first writeReq
		select {
		case first = <-s.writes:
		case <-s.closed:
			return
		}
		group := []writeReq{first}
	drain:
		for len(group) < maxGroup {
			select {
			case r := <-s.writes:
				group = append(group, r)
			default:
				break drain
			}
		}
		err := s.db.Update(func(tx *bbolt.Tx) error {
			for _, r := range group {
				if err := r.fn(tx); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			for _, r := range group {
				r.done <- nil
			}
			continue
		}
		if len(group) == 1 {
			first.done <- err
			continue
		}
		for _, r := range group {
			r.done <- s.db.Update(r.fn)
		}
	}
}
