// Package eventbridge is the schedule.Scheduler on Amazon EventBridge
// Scheduler: one one-time at() schedule per reminder, at its UTC instant (the partnership's
// schedule group, in Europe/London time, deleted by Scheduler once it has
// run. Its target is the reminder function with a small JSON payload (no
// personal details), a retry policy and a dead-letter queue.
package eventbridge

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/awscall"
	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/schedule"
)

// Scheduler creates schedules in Group that invoke TargetARN as RoleARN,
// with failed deliveries sent to DeadLetterARN. Its calls are Scheduler's
// REST API made directly (shared/awscall), not the SDK's client, which
// cost each intake function 1.3 MB and 0.3 ms of its cold start.
type Scheduler struct {
	Call *awscall.Client // in the schedules' region, Service "scheduler"
	// Endpoint is where Scheduler is: "" for AWS's own
	// (https://scheduler.REGION.amazonaws.com), or an emulator's.
	Endpoint      string
	Group         string
	TargetARN     string // the reminder function
	RoleARN       string // a role Scheduler assumes, allowed to invoke only TargetARN
	DeadLetterARN string // SQS queue for reminders that could not be delivered
	// Limit paces API calls (calls a second, shared by every goroutine);
	// 0 means 40, inside Scheduler's default quota of 50 a second for each
	// call. A throttled call is tried again after a back-off (awscall).
	Limit int

	once   sync.Once
	ticker <-chan time.Time
}

var _ schedule.Scheduler = (*Scheduler)(nil)

// wait paces one API call.
func (s *Scheduler) wait(ctx context.Context) error {
	s.once.Do(func() {
		limit := s.Limit
		if limit <= 0 {
			limit = 40
		}
		s.ticker = time.NewTicker(time.Second / time.Duration(limit)).C
	})
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-s.ticker:
		return nil
	}
}

// Ensure implements schedule.Scheduler.
func (s *Scheduler) Ensure(ctx context.Context, ref string, rs []deadlines.Reminder) error {
	existing, err := s.list(ctx, ref)
	if err != nil {
		return err
	}
	want := map[string]deadlines.Reminder{}
	for _, r := range rs {
		want[schedule.Name(r.Ref, r.Rule, r.Kind)] = r
	}
	for name := range existing {
		if _, ok := want[name]; ok {
			continue
		}
		if err := s.wait(ctx); err != nil {
			return err
		}
		err := s.call(ctx, http.MethodDelete, name, url.Values{"groupName": {s.Group}, "clientToken": {token()}}, nil, nil)
		if err != nil && !refused(err, "ResourceNotFoundException") {
			return fmt.Errorf("eventbridge: delete %s: %w", name, err)
		}
	}
	for name, r := range want {
		if err := s.put(ctx, name, r, existing[name]); err != nil {
			return err
		}
	}
	return nil
}

func (s *Scheduler) list(ctx context.Context, ref string) (map[string]bool, error) {
	out := map[string]bool{}
	q := url.Values{"ScheduleGroup": {s.Group}, "NamePrefix": {schedule.Prefix(ref)}}
	for {
		if err := s.wait(ctx); err != nil {
			return nil, err
		}
		var page struct {
			Schedules []struct{ Name string }
			NextToken string
		}
		if err := s.call(ctx, http.MethodGet, "", q, nil, &page); err != nil {
			return nil, fmt.Errorf("eventbridge: list schedules of %s: %w", ref, err)
		}
		for _, sc := range page.Schedules {
			out[sc.Name] = true
		}
		if page.NextToken == "" {
			return out, nil
		}
		q.Set("NextToken", page.NextToken)
	}
}

// scheduleIn is CreateSchedule's and UpdateSchedule's request body.
type scheduleIn struct {
	GroupName                  string
	ScheduleExpression         string
	ScheduleExpressionTimezone string
	FlexibleTimeWindow         struct{ Mode string }
	Target                     target
	ActionAfterCompletion      string
	Description                string
	ClientToken                string
}

type target struct {
	Arn, RoleArn, Input string
	RetryPolicy         struct{ MaximumEventAgeInSeconds, MaximumRetryAttempts int }
	DeadLetterConfig    *struct{ Arn string } `json:",omitempty"`
}

// put creates the schedule, or moves it if it exists at another time.
func (s *Scheduler) put(ctx context.Context, name string, r deadlines.Reminder, exists bool) error {
	input, err := json.Marshal(schedule.PayloadOf(r))
	if err != nil {
		return err
	}
	in := scheduleIn{
		GroupName: s.Group,
		// The instant in UTC: never ambiguous, even in October's repeated
		// hour in London. A schedule written before in London time differs,
		// so it is updated.
		ScheduleExpression:         "at(" + r.At.UTC().Format("2006-01-02T15:04:05") + ")",
		ScheduleExpressionTimezone: "UTC",
		Target:                     target{Arn: s.TargetARN, RoleArn: s.RoleARN, Input: string(input)},
		ActionAfterCompletion:      "DELETE",
		Description:                r.Ref + " " + r.Rule + " " + r.Kind,
		ClientToken:                token(),
	}
	in.FlexibleTimeWindow.Mode = "OFF"
	in.Target.RetryPolicy.MaximumEventAgeInSeconds, in.Target.RetryPolicy.MaximumRetryAttempts = 86400, 20
	if s.DeadLetterARN != "" {
		in.Target.DeadLetterConfig = &struct{ Arn string }{s.DeadLetterARN}
	}
	if exists {
		if err := s.wait(ctx); err != nil {
			return err
		}
		var got struct {
			ScheduleExpression string
			Target             struct{ Input string }
		}
		err := s.call(ctx, http.MethodGet, name, url.Values{"groupName": {s.Group}}, nil, &got)
		if err == nil && got.ScheduleExpression == in.ScheduleExpression && got.Target.Input == string(input) {
			return nil // already as wanted
		}
		if err := s.wait(ctx); err != nil {
			return err
		}
		err = s.call(ctx, http.MethodPut, name, nil, in, nil)
		if err == nil || !refused(err, "ResourceNotFoundException") {
			if err != nil {
				return fmt.Errorf("eventbridge: update %s: %w", name, err)
			}
			return nil
		}
		// It fired and was deleted meanwhile: create it afresh below.
	}
	if err := s.wait(ctx); err != nil {
		return err
	}
	err = s.call(ctx, http.MethodPost, name, nil, in, nil)
	if err != nil && !refused(err, "ConflictException") { // a conflict is a concurrent create of the same: done
		return fmt.Errorf("eventbridge: create %s: %w", name, err)
	}
	return nil
}

// call makes one call on /schedules (name "") or /schedules/{name}, with
// in as its JSON body (nil: none) and its answer read into out (nil:
// not read).
func (s *Scheduler) call(ctx context.Context, method, name string, q url.Values, in, out any) error {
	u := s.Call.Base(s.Endpoint, "scheduler") + "/schedules"
	if name != "" {
		u += "/" + awscall.URIEncode(name)
	}
	if len(q) > 0 {
		u += "?" + strings.ReplaceAll(q.Encode(), "+", "%20")
	}
	req := awscall.Request{Method: method, URL: u}
	if in != nil {
		body, err := json.Marshal(in)
		if err != nil {
			return err
		}
		req.Body, req.Header = body, http.Header{"Content-Type": {"application/json"}}
	}
	resp, err := s.Call.Do(ctx, req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("reading the answer: %w", err)
	}
	return nil
}

// refused reports whether Scheduler refused a call with code.
func refused(err error, code string) bool {
	var e *awscall.Error
	return errors.As(err, &e) && e.Code == code
}

// token is an idempotency token: a call tried again after no answer is
// not done twice.
func token() string { return rand.Text() }

// Client is a Scheduler caller.
func Client(c awscall.Client) *awscall.Client {
	return c.For("scheduler")
}

// SyncAll ensures many cases' schedules with at most workers cases at a
// time (API calls are paced by Limit), and returns the first error after
// trying every case.
func (s *Scheduler) SyncAll(ctx context.Context, cases map[string][]deadlines.Reminder, workers int) error {
	if workers <= 0 {
		workers = 4
	}
	refs := make(chan string)
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ref := range refs {
				if err := s.Ensure(ctx, ref, cases[ref]); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for ref := range cases {
		refs <- ref
	}
	close(refs)
	wg.Wait()
	return first
}
