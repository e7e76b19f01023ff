package web

import (
	"net/http/httptest"
	"testing"
)

// TestSecure: cookies are Secure but for plain HTTP to this machine.
func TestSecure(t *testing.T) {
	for _, tt := range []struct {
		host  string
		https bool
		want  bool
	}{
		{"127.0.0.1:8080", false, false}, {"localhost:8080", false, false}, {"[::1]:8080", false, false},
		{"refer.example.gov.uk", false, true}, {"127.0.0.1:8080", true, true}, {"10.0.0.5", false, true},
	} {
		r := httptest.NewRequest("GET", "http://"+tt.host+"/referral/criteria", nil)
		r.Host = tt.host
		if tt.https {
			r.Header.Set("X-Forwarded-Proto", "https")
		}
		if got := Secure(r); got != tt.want {
			t.Errorf("%s https=%v: Secure %v, want %v", tt.host, tt.https, got, tt.want)
		}
	}
}
