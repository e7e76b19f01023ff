package main

import (
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/civil"
	"github.com/cspr-intake/cspr-intake/shared/referral"
	"github.com/cspr-intake/cspr-intake/shared/web/form"
)

var loadCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// user walks the form as one referrer, timing every request.
type user struct {
	c     *http.Client
	base  string
	csrf  string
	think time.Duration // a person's pause before each request, on average
	times []time.Duration
}

func (u *user) do(method, path string, form url.Values) (string, error) {
	if u.think > 0 {
		time.Sleep(u.think/2 + rand.N(u.think)) // reading and typing
	}
	start := time.Now()
	var resp *http.Response
	var err error
	if method == http.MethodGet {
		resp, err = u.c.Get(u.base + path)
	} else {
		form.Set("csrf", u.csrf)
		resp, err = u.c.PostForm(u.base+path, form)
	}
	if err != nil {
		return "", err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	u.times = append(u.times, time.Since(start))
	if m := loadCSRF.FindSubmatch(body); m != nil {
		u.csrf = string(m[1])
	}
	if resp.StatusCode != http.StatusOK {
		return "", &url.Error{Op: method, URL: path, Err: io.ErrUnexpectedEOF}
	}
	return resp.Request.URL.Path, err
}

func (u *user) walk(r *referral.Referral) error {
	if _, err := u.do(http.MethodGet, "/referral/criteria", nil); err != nil {
		return err
	}
	for n := 0; n <= 12; n++ {
		path := "/referral/criteria"
		if n > 0 {
			path = "/referral/section/" + strconv.Itoa(n)
		}
		for _, tb := range referral.Tables {
			col, _ := referral.FieldByPath(tb.Path + "." + firstField(tb.Path))
			if col.Section != n {
				continue
			}
			have := 0
			if tb.Path == "children" {
				have = 1
			}
			for ; have < referral.Count(r, tb.Path); have++ {
				if _, err := u.do(http.MethodPost, path, url.Values{"action": {"add:" + tb.Path}}); err != nil {
					return err
				}
			}
		}
		v := form.FormValues(r, n)
		v.Set("action", "continue")
		if _, err := u.do(http.MethodPost, path, v); err != nil {
			return err
		}
	}
	_, err := u.do(http.MethodGet, "/referral/check", nil)
	return err
}

// BenchmarkWebFormLoad has 200 referrers walk the whole form at once
// against the local runner on loopback (every page fetched and posted,
// rows added, answers saved in drafts), each pausing about a second before
// each request as a fast person would, and reports the 99th percentile of
// request times (target: under 20 ms, with no errors). THINK=0 removes
// the pauses: a stress test that measures throughput instead.
func BenchmarkWebFormLoad(b *testing.B) {
	data := b.TempDir()
	a, stop := startSystem(b, data)
	defer stop()
	raw, err := os.ReadFile("../../events/referrals/complete.json")
	if err != nil {
		b.Fatal(err)
	}
	r, _, _ := referral.DecodeJSON(raw)
	referral.Check(&r, civil.In(time.Now(), time.UTC))
	const users = 200
	think := time.Second
	if v, err := time.ParseDuration(os.Getenv("THINK")); err == nil || os.Getenv("THINK") == "0" {
		think = v
	}
	var all []time.Duration
	b.ResetTimer()
	for b.Loop() {
		var wg sync.WaitGroup
		var mu sync.Mutex
		errs := 0
		for range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				jar, _ := cookiejar.New(nil)
				u := &user{c: &http.Client{Jar: jar, Timeout: time.Minute}, base: "http://" + a.Web, think: think}
				err := u.walk(&r)
				mu.Lock()
				defer mu.Unlock()
				all = append(all, u.times...)
				if err != nil {
					errs++
				}
			}()
		}
		wg.Wait()
		if errs > 0 {
			b.Fatalf("%d of %d walks failed", errs, users)
		}
	}
	b.StopTimer()
	slices.Sort(all)
	p := func(q float64) float64 { return float64(all[int(q*float64(len(all)-1))].Microseconds()) / 1000 }
	b.ReportMetric(p(0.5), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
	b.ReportMetric(float64(len(all))/b.Elapsed().Seconds(), "req/s")
}
