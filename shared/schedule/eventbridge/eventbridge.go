// Package eventbridge is the schedule.Scheduler on Amazon EventBridge
// Scheduler: one one-time at() schedule per reminder, in the partnership's
// schedule group, in Europe/London time, deleted by Scheduler once it has
// run. Its target is the reminder function with a small JSON payload (no
// personal details), a retry policy and a dead-letter queue.
package eventbridge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/scheduler/types"

	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/schedule"
)

// API is the part of the Scheduler client the adapter uses.
type API interface {
	CreateSchedule(context.Context, *scheduler.CreateScheduleInput, ...func(*scheduler.Options)) (*scheduler.CreateScheduleOutput, error)
	UpdateSchedule(context.Context, *scheduler.UpdateScheduleInput, ...func(*scheduler.Options)) (*scheduler.UpdateScheduleOutput, error)
	GetSchedule(context.Context, *scheduler.GetScheduleInput, ...func(*scheduler.Options)) (*scheduler.GetScheduleOutput, error)
	DeleteSchedule(context.Context, *scheduler.DeleteScheduleInput, ...func(*scheduler.Options)) (*scheduler.DeleteScheduleOutput, error)
	ListSchedules(context.Context, *scheduler.ListSchedulesInput, ...func(*scheduler.Options)) (*scheduler.ListSchedulesOutput, error)
}

// Scheduler creates schedules in Group that invoke TargetARN as RoleARN,
// with failed deliveries sent to DeadLetterARN.
type Scheduler struct {
	Client        API
	Group         string
	TargetARN     string // the reminder function
	RoleARN       string // a role Scheduler assumes, allowed to invoke only TargetARN
	DeadLetterARN string // SQS queue for reminders that could not be delivered
	// Limit paces API calls (calls a second, shared by every goroutine);
	// 0 means 40, inside Scheduler's default quota of 50 a second for each
	// call. The SDK's own retryer backs off on throttling.
	Limit int

	once   sync.Once
	ticker <-chan time.Time
}

var _ schedule.Scheduler = (*Scheduler)(nil)

const zone = "Europe/London"

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
		_, err := s.Client.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String(name), GroupName: aws.String(s.Group)})
		var nf *types.ResourceNotFoundException
		if err != nil && !errors.As(err, &nf) {
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
	p := scheduler.NewListSchedulesPaginator(s.Client, &scheduler.ListSchedulesInput{GroupName: aws.String(s.Group), NamePrefix: aws.String(schedule.Prefix(ref))})
	for p.HasMorePages() {
		if err := s.wait(ctx); err != nil {
			return nil, err
		}
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("eventbridge: list schedules of %s: %w", ref, err)
		}
		for _, sc := range page.Schedules {
			out[aws.ToString(sc.Name)] = true
		}
	}
	return out, nil
}

// put creates the schedule, or moves it if it exists at another time.
func (s *Scheduler) put(ctx context.Context, name string, r deadlines.Reminder, exists bool) error {
	input, err := json.Marshal(schedule.PayloadOf(r))
	if err != nil {
		return err
	}
	expr := "at(" + r.At.In(london).Format("2006-01-02T15:04:05") + ")"
	target := &types.Target{
		Arn:              aws.String(s.TargetARN),
		RoleArn:          aws.String(s.RoleARN),
		Input:            aws.String(string(input)),
		RetryPolicy:      &types.RetryPolicy{MaximumEventAgeInSeconds: aws.Int32(86400), MaximumRetryAttempts: aws.Int32(20)},
		DeadLetterConfig: &types.DeadLetterConfig{Arn: aws.String(s.DeadLetterARN)},
	}
	if s.DeadLetterARN == "" {
		target.DeadLetterConfig = nil
	}
	window := &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeOff}
	if exists {
		if err := s.wait(ctx); err != nil {
			return err
		}
		got, err := s.Client.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(name), GroupName: aws.String(s.Group)})
		if err == nil && aws.ToString(got.ScheduleExpression) == expr && got.Target != nil && aws.ToString(got.Target.Input) == string(input) {
			return nil // already as wanted
		}
		if err := s.wait(ctx); err != nil {
			return err
		}
		_, err = s.Client.UpdateSchedule(ctx, &scheduler.UpdateScheduleInput{
			Name: aws.String(name), GroupName: aws.String(s.Group), ScheduleExpression: aws.String(expr),
			ScheduleExpressionTimezone: aws.String(zone), FlexibleTimeWindow: window, Target: target,
			ActionAfterCompletion: types.ActionAfterCompletionDelete,
		})
		var nf *types.ResourceNotFoundException
		if err == nil || !errors.As(err, &nf) {
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
	_, err = s.Client.CreateSchedule(ctx, &scheduler.CreateScheduleInput{
		Name: aws.String(name), GroupName: aws.String(s.Group), ScheduleExpression: aws.String(expr),
		ScheduleExpressionTimezone: aws.String(zone), FlexibleTimeWindow: window, Target: target,
		ActionAfterCompletion: types.ActionAfterCompletionDelete,
		Description:           aws.String(r.Ref + " " + r.Rule + " " + r.Kind),
	})
	var conflict *types.ConflictException
	if err != nil && !errors.As(err, &conflict) { // a conflict is a concurrent create of the same: done
		return fmt.Errorf("eventbridge: create %s: %w", name, err)
	}
	return nil
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

var london = func() *time.Location {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		panic(err)
	}
	return loc
}()
