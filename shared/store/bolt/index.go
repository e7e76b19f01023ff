package bolt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/cspr-intake/cspr-intake/shared/casefile"
	"github.com/cspr-intake/cspr-intake/shared/referral"
)

// An index kept in the same transactions as the records it indexes, so
// the case list reads small values instead of whole cases: the summaries
// of cases, each with its marks and its next open deadline. Its values are
// fields joined by the ASCII unit separator, which no reference, rule,
// channel or address holds.
const sep = "\x1f"

// putCase writes a case and its summary, keeping the summary's marks.
func putCase(tx *bbolt.Tx, c casefile.Case) error {
	if err := putJSON(tx.Bucket(bucketCases), []byte(c.Ref), c); err != nil {
		return err
	}
	sum := c.Summary()
	if old := tx.Bucket(bucketSummaries).Get([]byte(c.Ref)); old != nil {
		prev, err := decodeSummary(old)
		if err != nil {
			return err
		}
		sum.Marks, sum.Next = prev.Marks, prev.Next
	}
	return tx.Bucket(bucketSummaries).Put([]byte(c.Ref), encodeSummary(sum))
}

// mark applies an event's marks to its case's summary.
func mark(tx *bbolt.Tx, ref string, marks map[string]string) error {
	if len(marks) == 0 {
		return nil
	}
	b := tx.Bucket(bucketSummaries)
	sum, err := decodeSummary(b.Get([]byte(ref)))
	if err != nil {
		return err
	}
	for k, v := range marks {
		if v == "" {
			delete(sum.Marks, k)
			continue
		}
		if sum.Marks == nil {
			sum.Marks = map[string]string{}
		}
		sum.Marks[k] = v
	}
	return b.Put([]byte(ref), encodeSummary(sum))
}

// nextField is the summary field that holds the next open deadline, as
// rule and due time; marks cannot begin with a dot.
const nextField = ".next"

// setNext keeps the summary's next open deadline in step with the
// deadlines just written.
func setNext(tx *bbolt.Tx, ref string, ds []casefile.Deadline) error {
	b := tx.Bucket(bucketSummaries)
	sum, err := decodeSummary(b.Get([]byte(ref)))
	if err != nil {
		return err
	}
	sum.Next = casefile.Deadline{}
	if d, ok := casefile.NextOpen(ds); ok {
		sum.Next = casefile.Deadline{Ref: ref, Rule: d.Rule, Due: d.Due, Status: casefile.DeadlineOpen}
	}
	return b.Put([]byte(ref), encodeSummary(sum))
}

// encodeSummary writes the summary's fields, then its next deadline and
// its marks as key=value fields, in key order.
func encodeSummary(s casefile.CaseSummary) []byte {
	f := []string{string(s.Status), string(s.Route), s.Channel, strconv.FormatInt(s.ReceivedAt.UnixNano(), 10),
		strconv.Itoa(s.Version), s.RawKey, s.Ref}
	if s.Next.Rule != "" {
		f = append(f, nextField+"="+s.Next.Rule+" "+strconv.FormatInt(s.Next.Due.UnixNano(), 10))
	}
	keys := make([]string, 0, len(s.Marks))
	for k := range s.Marks {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f = append(f, k+"="+s.Marks[k])
	}
	return []byte(strings.Join(f, sep))
}

func decodeSummary(v []byte) (casefile.CaseSummary, error) {
	f := strings.Split(string(v), sep)
	if len(f) < 7 {
		return casefile.CaseSummary{}, fmt.Errorf("bolt: a case summary with %d fields", len(f))
	}
	ns, err1 := strconv.ParseInt(f[3], 10, 64)
	version, err2 := strconv.Atoi(f[4])
	if err1 != nil || err2 != nil {
		return casefile.CaseSummary{}, fmt.Errorf("bolt: a case summary that does not read: %q", v)
	}
	sum := casefile.CaseSummary{Status: casefile.Status(f[0]), Route: referral.Route(f[1]), Channel: f[2], ReceivedAt: time.Unix(0, ns).UTC(),
		Version: version, RawKey: f[5], Ref: f[6]}
	for _, kv := range f[7:] {
		k, val, ok := strings.Cut(kv, "=")
		if !ok {
			return casefile.CaseSummary{}, fmt.Errorf("bolt: a case summary mark that does not read: %q", kv)
		}
		if k == nextField {
			rule, due, _ := strings.Cut(val, " ")
			ns, err := strconv.ParseInt(due, 10, 64)
			if err != nil {
				return casefile.CaseSummary{}, fmt.Errorf("bolt: a case summary's next deadline that does not read: %q", kv)
			}
			sum.Next = casefile.Deadline{Ref: sum.Ref, Rule: rule, Due: time.Unix(0, ns).UTC(), Status: casefile.DeadlineOpen}
			continue
		}
		if sum.Marks == nil {
			sum.Marks = map[string]string{}
		}
		sum.Marks[k] = val
	}
	return sum, nil
}

// indexVersion names what the indexes hold: 2 added each summary's next
// open deadline, 3 dropped the index of open deadlines by due date. A file
// whose indexes are older is indexed again.
var indexVersion = []byte("3")

// buildIndexes makes the indexes of a store file written before they
// existed (or before they held what they hold now), once, when it is
// opened. The summaries' marks, which only events set, are kept.
func buildIndexes(tx *bbolt.Tx) error {
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	if tx.Bucket(bucketSummaries) != nil && bytes.Equal(meta.Get([]byte("indexes")), indexVersion) {
		return nil
	}
	marks := map[string]map[string]string{}
	if old := tx.Bucket(bucketSummaries); old != nil {
		err := old.ForEach(func(k, v []byte) error {
			if sum, err := decodeSummary(v); err == nil {
				marks[string(k)] = sum.Marks
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, name := range [][]byte{bucketSummaries, []byte("opendue")} { // opendue: version 2's
		if tx.Bucket(name) != nil {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
	}
	if _, err := tx.CreateBucket(bucketSummaries); err != nil {
		return err
	}
	err = tx.Bucket(bucketCases).ForEach(func(_, v []byte) error {
		var c casefile.Case
		if err := json.Unmarshal(v, &c); err != nil {
			return err
		}
		sum := c.Summary()
		sum.Marks = marks[c.Ref]
		return tx.Bucket(bucketSummaries).Put([]byte(c.Ref), encodeSummary(sum))
	})
	if err != nil {
		return fmt.Errorf("bolt: index cases: %w", err)
	}
	byCase := map[string][]casefile.Deadline{}
	err = tx.Bucket(bucketDeadlines).ForEach(func(_, v []byte) error {
		var d casefile.Deadline
		if err := json.Unmarshal(v, &d); err != nil {
			return err
		}
		byCase[d.Ref] = append(byCase[d.Ref], d)
		return nil
	})
	if err != nil {
		return fmt.Errorf("bolt: index deadlines: %w", err)
	}
	for ref, ds := range byCase {
		if tx.Bucket(bucketSummaries).Get([]byte(ref)) == nil {
			continue
		}
		if err := setNext(tx, ref, ds); err != nil {
			return err
		}
	}
	return meta.Put([]byte("indexes"), indexVersion)
}
