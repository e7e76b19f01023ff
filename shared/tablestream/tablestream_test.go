package tablestream

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// cases records what it was asked, failing for one reference.
type cases struct {
	did  []string
	fail string
}

func (c *cases) Settle(_ context.Context, ref string) error { return c.do("settle " + ref) }
func (c *cases) Remind(_ context.Context, ref string) error { return c.do("remind " + ref) }

func (c *cases) do(what string) error {
	c.did = append(c.did, what)
	if c.fail != "" && strings.HasSuffix(what, c.fail) {
		return errors.New("throttled")
	}
	return nil
}

// TestHandle reads the stream's records as Lambda delivers them
// (events/dynamodb/stream.json): a new case settled once however many of
// its records come, a case whose deadlines changed or went reminded once,
// a view recorded on a case ignored; a case that fails is where Lambda
// starts the batch again.
func TestHandle(t *testing.T) {
	data, err := os.ReadFile("../../events/dynamodb/stream.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatal(err)
	}
	c := &cases{}
	resp, err := (&Handler{Cases: c}).Handle(context.Background(), ev)
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("%+v, %v", resp, err)
	}
	if got := strings.Join(c.did, ", "); got != "settle DSP-2026-0001, remind DSP-2026-0002" {
		t.Errorf("did %s", got)
	}
	c = &cases{fail: "DSP-2026-0002"}
	resp, _ = (&Handler{Cases: c}).Handle(context.Background(), ev)
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "111300000000012345678903" {
		t.Errorf("a failed case: %+v, want its first record's sequence number", resp.BatchItemFailures)
	}
	c = &cases{}
	resp, _ = (&Handler{Cases: c}).Handle(context.Background(), events.DynamoDBEvent{Records: ev.Records[4:]})
	if len(c.did) != 0 || len(resp.BatchItemFailures) != 0 {
		t.Errorf("a view did %v", c.did)
	}
}
