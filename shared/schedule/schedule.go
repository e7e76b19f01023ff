// Package schedule is the port for reminder schedules: each case has a set
// of one-time reminders (from package deadlines), and Ensure makes the
// scheduled set exactly that, creating what is missing, moving what moved
// and deleting what is no longer wanted. Adapters: schedule/local
// (in-process, kept in the embedded store) and schedule/eventbridge
// (EventBridge Scheduler).
package schedule

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/deadlines"
)

// Scheduler keeps each case's reminders scheduled.
type Scheduler interface {
	// Ensure makes ref's schedules exactly rs. It is idempotent and
	// converging: calling it again with the same rs changes nothing.
	Ensure(ctx context.Context, ref string, rs []deadlines.Reminder) error
}

// Payload is what a fired schedule hands the reminder handler: references
// only, never a child's details.
type Payload struct {
	Ref  string    `json:"ref"`
	Rule string    `json:"rule"`
	Kind string    `json:"kind"`
	Due  time.Time `json:"due"`
	At   time.Time `json:"at"`
}

// PayloadOf returns a reminder's payload.
func PayloadOf(r deadlines.Reminder) Payload {
	return Payload{Ref: r.Ref, Rule: r.Rule, Kind: r.Kind, Due: r.Due, At: r.At}
}

// MaxName is EventBridge Scheduler's limit on schedule names.
const MaxName = 64

// Name is a reminder's deterministic schedule name, <ref>-<rule>-<kind>,
// in the characters schedule names allow; names that would be too long
// keep their start and end a hash, so they stay unique.
func Name(ref, rule, kind string) string {
	name := clean(ref + "-" + rule + "-" + kind)
	if len(name) <= MaxName {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	hash := hex.EncodeToString(sum[:])[:10]
	tail := "-" + hash + "-" + clean(kind)
	return name[:MaxName-len(tail)] + tail
}

// Prefix is the start of every schedule name of a case.
func Prefix(ref string) string { return clean(ref) + "-" }

func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 && (r == '-' || r == '_' || r == '.' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')) {
			return r
		}
		return '_'
	}, s)
}
