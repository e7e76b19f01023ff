package admit

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestBudget(t *testing.T) {
	b := New(100)
	if !b.Take(60) || !b.Take(40) {
		t.Fatal("inputs within the budget refused")
	}
	if b.Take(1) {
		t.Error("an input over the budget admitted")
	}
	b.Release(60)
	if !b.Take(50) {
		t.Error("room given back not used")
	}
	b.Release(50)
	b.Release(40)
	if !b.Take(500) {
		t.Error("one input larger than the budget refused while nothing else is held")
	}
	if b.Take(1) {
		t.Error("admitted beside an input larger than the budget")
	}
	var none *Budget
	if !none.Take(1 << 40) {
		t.Error("a nil budget refused")
	}
	none.Release(1 << 40)
}

func TestRead(t *testing.T) {
	b := New(3 << 20)
	data := bytes.Repeat([]byte("x"), 2<<20+5)
	got, held, err := b.Read(bytes.NewReader(data), -1)
	if err != nil || !bytes.Equal(got, data) || held < int64(len(data)) {
		t.Fatalf("Read: %d bytes, holding %d, %v", len(got), held, err)
	}
	// What is held leaves room for a small input only.
	if _, _, err := b.Read(bytes.NewReader(data), int64(len(data))); !errors.Is(err, ErrBusy) {
		t.Errorf("a second large input: %v, want busy", err)
	}
	small, smallHeld, err := b.Read(strings.NewReader("a referral"), 10)
	if err != nil || string(small) != "a referral" {
		t.Errorf("a small input beside it: %q %v", small, err)
	}
	b.Release(held)
	b.Release(smallHeld)
	if b.used != 0 {
		t.Errorf("%d bytes still held after every release", b.used)
	}
}
