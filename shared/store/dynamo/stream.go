package dynamo

import "strings"

// Change is what a change to one item of the table means for its case, as
// the table's stream tells it (template.yaml's SettleFunction filters the
// stream to these two).
type Change int

const (
	Unrelated Change = iota
	// NewCase: a case's record was created (sk META, an INSERT).
	NewCase
	// DeadlineChanged: one of a case's deadlines was written, changed or
	// removed (sk DEADLINE#<rule>). A deadline written again unchanged
	// makes no stream record.
	DeadlineChanged
)

// Changed reads a stream record: its event name (INSERT, MODIFY, REMOVE)
// and its item's keys. ref is the case's reference, "" when the item is
// not a case's.
func Changed(event, pk, sk string) (ref string, c Change) {
	ref, ok := strings.CutPrefix(pk, "CASE#")
	if !ok || ref == "" {
		return "", Unrelated
	}
	switch {
	case sk == metaSK && event == "INSERT":
		return ref, NewCase
	case strings.HasPrefix(sk, "DEADLINE#"):
		return ref, DeadlineChanged
	}
	return ref, Unrelated
}
