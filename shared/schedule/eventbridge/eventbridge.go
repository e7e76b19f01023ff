// Package eventbridge is the schedule.Scheduler on Amazon EventBridge
// Scheduler, through the SDK's client: one one-time at() schedule per
// reminder, at its UTC instant, in the partnership's schedule group,
// deleted by Scheduler once it has run. Its target is the reminder
// function with a small JSON payload (no personal details), a retry policy
// and a dead-letter queue.
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

// API is what the scheduler calls; *scheduler.Client is it. Create, update
// and delete carry an idempotency token the SDK sets, so a call sent again
// after no answer is not done twice.
type API interface {
	ListSchedules(context.Context, *scheduler.ListSchedulesInput, ...func(*scheduler.Options)) (*scheduler.ListSchedulesOutput, error)
	GetSchedule(context.Context, *scheduler.GetScheduleInput, ...func(*scheduler.Options)) (*scheduler.GetScheduleOutput, error)
	CreateSchedule(context.Context, *scheduler.CreateScheduleInput, ...func(*scheduler.Options)) (*scheduler.CreateScheduleOutput, error)
	UpdateSchedule(context.Context, *scheduler.UpdateScheduleInput, ...func(*scheduler.Options)) (*scheduler.UpdateScheduleOutput, error)
	DeleteSchedule(context.Context, *scheduler.DeleteScheduleInput, ...func(*scheduler.Options)) (*scheduler.DeleteScheduleOutput, error)
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
	// call. A throttled call is tried again after the SDK's back-off.
	Limit int

	once   sync.Once
	ticker <-chan time.Time
}

var _ schedule.Scheduler = (*Scheduler)(nil)

// NewClient is the SDK's Scheduler client on cfg.
func NewClient(cfg aws.Config) *scheduler.Client { return scheduler.NewFromConfig(cfg) }

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
		_, err := s.Client.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String(name), GroupName: &s.Group})
		var gone *types.ResourceNotFoundException
		if err != nil && !errors.As(err, &gone) {
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
	pages := scheduler.NewListSchedulesPaginator(s.Client, &scheduler.ListSchedulesInput{GroupName: &s.Group, NamePrefix: aws.String(schedule.Prefix(ref))})
	for pages.HasMorePages() {
		if err := s.wait(ctx); err != nil {
			return nil, err
		}
		page, err := pages.NextPage(ctx)
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
	payload, err := json.Marshal(schedule.PayloadOf(r))
	if err != nil {
		return err
	}
	// The instant in UTC: never ambiguous, even in October's repeated hour
	// in London. A schedule written before in London time differs, so it
	// is updated.
	expr := "at(" + r.At.UTC().Format("2006-01-02T15:04:05") + ")"
	target := &types.Target{
		Arn: &s.TargetARN, RoleArn: &s.RoleARN, Input: aws.String(string(payload)),
		RetryPolicy: &types.RetryPolicy{MaximumEventAgeInSeconds: aws.Int32(86400), MaximumRetryAttempts: aws.Int32(20)},
	}
	if s.DeadLetterARN != "" {
		target.DeadLetterConfig = &types.DeadLetterConfig{Arn: &s.DeadLetterARN}
	}
	window := &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeOff}
	description := r.Ref + " " + r.Rule + " " + r.Kind
	if exists {
		if err := s.wait(ctx); err != nil {
			return err
		}
		got, err := s.Client.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: &name, GroupName: &s.Group})
		if err == nil && aws.ToString(got.ScheduleExpression) == expr && got.Target != nil && aws.ToString(got.Target.Input) == string(payload) {
			return nil // already as wanted
		}
		if err := s.wait(ctx); err != nil {
			return err
		}
		_, err = s.Client.UpdateSchedule(ctx, &scheduler.UpdateScheduleInput{
			Name: &name, GroupName: &s.Group, ScheduleExpression: &expr, ScheduleExpressionTimezone: aws.String("UTC"),
			FlexibleTimeWindow: window, Target: target, ActionAfterCompletion: types.ActionAfterCompletionDelete, Description: &description,
		})
		var gone *types.ResourceNotFoundException
		if err == nil {
			return nil
		}
		if !errors.As(err, &gone) {
			return fmt.Errorf("eventbridge: update %s: %w", name, err)
		}
		// It fired and was deleted meanwhile: create it afresh below.
	}
	if err := s.wait(ctx); err != nil {
		return err
	}
	_, err = s.Client.CreateSchedule(ctx, &scheduler.CreateScheduleInput{
		Name: &name, GroupName: &s.Group, ScheduleExpression: &expr, ScheduleExpressionTimezone: aws.String("UTC"),
		FlexibleTimeWindow: window, Target: target, ActionAfterCompletion: types.ActionAfterCompletionDelete, Description: &description,
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
