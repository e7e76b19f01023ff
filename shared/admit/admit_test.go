package admit

import "testing"

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
