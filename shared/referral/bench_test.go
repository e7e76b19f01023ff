package referral

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkValidate measures the rules on a full, normalized referral (the
// target is 50,000 a second on one core, under 20µs each).
func BenchmarkValidate(b *testing.B) {
	r := load(b, "complete.json")
	Normalize(&r)
	b.ReportAllocs()
	for b.Loop() {
		if probs := Validate(&r, received); len(probs) != 0 {
			b.Fatal(probs)
		}
	}
}

// BenchmarkCheck measures decode, normalize and validate of a JSON referral.
func BenchmarkCheck(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "..", "events", "referrals", "complete.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r, _, err := DecodeJSON(data)
		if err != nil {
			b.Fatal(err)
		}
		Check(&r, received)
	}
}
