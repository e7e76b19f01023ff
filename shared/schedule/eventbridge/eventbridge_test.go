package eventbridge

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/scheduler/types"

	"github.com/cspr-intake/cspr-intake/shared/deadlines"
	"github.com/cspr-intake/cspr-intake/shared/schedule"
	"github.com/cspr-intake/cspr-intake/shared/testenv"
	"github.com/cspr-intake/cspr-intake/shared/workdays"
)

var moto = testenv.Lazy{Start: testenv.StartMoto}

func TestMain(m *testing.M) { testenv.Main(m, &moto) }

func newScheduler(t testing.TB, group string) (*Scheduler, *scheduler.Client) {
	client := scheduler.NewFromConfig(testenv.AWSConfig(), func(o *scheduler.Options) { o.BaseEndpoint = aws.String(moto.Endpoint(t)) })
	if _, err := client.CreateScheduleGroup(context.Background(), &scheduler.CreateScheduleGroupInput{Name: aws.String(group)}); err != nil {
		t.Fatal(err)
	}
	cfg := testenv.AWSConfig()
	cfg.BaseEndpoint = aws.String(moto.Endpoint(t))
	return &Scheduler{
		Client: NewClient(cfg), Group: group, Limit: 1000,
		TargetARN:     "arn:aws:lambda:eu-west-2:123456789012:function:reminder",
		RoleARN:       "arn:aws:iam::123456789012:role/scheduler-invoke-reminder",
		DeadLetterARN: "arn:aws:sqs:eu-west-2:123456789012:reminders-dlq",
	}, client
}

func names(t *testing.T, c *scheduler.Client, group, ref string) []string {
	t.Helper()
	out, err := c.ListSchedules(context.Background(), &scheduler.ListSchedulesInput{GroupName: aws.String(group), NamePrefix: aws.String(schedule.Prefix(ref))})
	if err != nil {
		t.Fatal(err)
	}
	var ns []string
	for _, s := range out.Schedules {
		ns = append(ns, aws.ToString(s.Name))
	}
	sort.Strings(ns)
	return ns
}

func TestEnsureOnMoto(t *testing.T) {
	ctx := context.Background()
	s, client := newScheduler(t, "cspr-test")
	due := time.Date(2027, 1, 13, 23, 59, 59, 0, london)
	at := time.Date(2027, 1, 12, 9, 0, 0, 0, london)
	set := []deadlines.Reminder{
		{Ref: "DSP-2026-0042", Rule: "rapid-review", Kind: "before", At: at, Due: due},
		{Ref: "DSP-2026-0042", Rule: "rapid-review", Kind: "due", At: at.Add(24 * time.Hour), Due: due},
		{Ref: "DSP-2026-0042", Rule: "decision-to-panel", Kind: "due", At: at.Add(24 * time.Hour), Due: due},
	}
	for range 2 { // the second time changes nothing
		if err := s.Ensure(ctx, "DSP-2026-0042", set); err != nil {
			t.Fatal(err)
		}
	}
	if got := names(t, client, "cspr-test", "DSP-2026-0042"); len(got) != 3 {
		t.Fatalf("schedules %v", got)
	}
	got, err := client.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("DSP-2026-0042-rapid-review-before"), GroupName: aws.String("cspr-test")})
	if err != nil {
		t.Fatal(err)
	}
	var p schedule.Payload
	if err := json.Unmarshal([]byte(aws.ToString(got.Target.Input)), &p); err != nil || p.Ref != "DSP-2026-0042" || p.Kind != "before" {
		t.Errorf("payload %s: %v", aws.ToString(got.Target.Input), err)
	}
	if aws.ToString(got.ScheduleExpression) != "at(2027-01-12T09:00:00)" || aws.ToString(got.ScheduleExpressionTimezone) != "UTC" ||
		got.ActionAfterCompletion != "DELETE" || aws.ToString(got.Target.DeadLetterConfig.Arn) != s.DeadLetterARN {
		t.Errorf("schedule %s in %s, after %s", aws.ToString(got.ScheduleExpression), aws.ToString(got.ScheduleExpressionTimezone), got.ActionAfterCompletion)
	}
	// The deadline moves and decision-to-panel is met.
	moved := []deadlines.Reminder{set[0], set[1]}
	moved[0].At = at.Add(48 * time.Hour)
	if err := s.Ensure(ctx, "DSP-2026-0042", moved); err != nil {
		t.Fatal(err)
	}
	if got := names(t, client, "cspr-test", "DSP-2026-0042"); len(got) != 2 || got[0] != "DSP-2026-0042-rapid-review-before" {
		t.Errorf("after converging: %v", got)
	}
	got, _ = client.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("DSP-2026-0042-rapid-review-before"), GroupName: aws.String("cspr-test")})
	if aws.ToString(got.ScheduleExpression) != "at(2027-01-14T09:00:00)" {
		t.Errorf("moved schedule at %s", aws.ToString(got.ScheduleExpression))
	}
	// In summer, 09:00 in London is 08:00 UTC; a schedule written in
	// London time before is rewritten as its UTC instant.
	summer := deadlines.Reminder{Ref: "DSP-2026-0043", Rule: "rapid-review", Kind: "due", At: time.Date(2027, 7, 12, 9, 0, 0, 0, london), Due: due}
	if _, err := client.CreateSchedule(ctx, &scheduler.CreateScheduleInput{Name: aws.String("DSP-2026-0043-rapid-review-due"), GroupName: aws.String("cspr-test"),
		ScheduleExpression: aws.String("at(2027-07-12T09:00:00)"), ScheduleExpressionTimezone: aws.String("Europe/London"),
		FlexibleTimeWindow: &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeOff},
		Target:             &types.Target{Arn: aws.String(s.TargetARN), RoleArn: aws.String(s.RoleARN), Input: aws.String("{}")}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Ensure(ctx, "DSP-2026-0043", []deadlines.Reminder{summer}); err != nil {
		t.Fatal(err)
	}
	got, _ = client.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("DSP-2026-0043-rapid-review-due"), GroupName: aws.String("cspr-test")})
	if aws.ToString(got.ScheduleExpression) != "at(2027-07-12T08:00:00)" || aws.ToString(got.ScheduleExpressionTimezone) != "UTC" {
		t.Errorf("a summer reminder at %s in %s, want at(2027-07-12T08:00:00) in UTC", aws.ToString(got.ScheduleExpression), aws.ToString(got.ScheduleExpressionTimezone))
	}
	// Another case with a name prefix in common is left alone.
	if err := s.Ensure(ctx, "DSP-2026-004", nil); err != nil {
		t.Fatal(err)
	}
	if got := names(t, client, "cspr-test", "DSP-2026-0042"); len(got) != 2 {
		t.Errorf("a neighbour's Ensure deleted %v", got)
	}
	if err := s.Ensure(ctx, "DSP-2026-0042", nil); err != nil {
		t.Fatal(err)
	}
	if got := names(t, client, "cspr-test", "DSP-2026-0042"); len(got) != 0 {
		t.Errorf("after clearing: %v", got)
	}
}

// BenchmarkSyncAll syncs b.N cases of three reminders each on moto with
// bounded concurrency.
func BenchmarkSyncAll(b *testing.B) {
	s, _ := newScheduler(b, fmt.Sprintf("bench-%d", b.N))
	at := time.Now().Add(240 * time.Hour)
	cases := map[string][]deadlines.Reminder{}
	for i := range b.N {
		ref := fmt.Sprintf("DSP-2026-%04d", i+1)
		for _, kind := range []string{"before", "due", "overdue"} {
			cases[ref] = append(cases[ref], deadlines.Reminder{Ref: ref, Rule: "inform-ssp", Kind: kind, At: at, Due: at})
		}
	}
	b.ResetTimer()
	if err := s.SyncAll(context.Background(), cases, 8); err != nil {
		b.Fatal(err)
	}
}

var london = workdays.London
