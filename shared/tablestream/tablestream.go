// Package tablestream turns the case table's stream (a Lambda
// events.DynamoDBEvent) into what follows a change to a case: a new case
// is settled (its deadlines, reminders and the new-case notices), a case
// whose deadlines changed has its reminders scheduled again. Each is done
// once for a case however many of its records a batch holds, and each is
// safe to do again: when one fails, the batch is reported failed from
// that case's first record, and Lambda sends it again from there.
package tablestream

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cspr-intake/cspr-intake/shared/store/dynamo"
)

// Cases is what a change asks of the intake (intake.Service).
type Cases interface {
	Settle(ctx context.Context, ref string) error
	Remind(ctx context.Context, ref string) error
}

// Handler handles the table's stream.
type Handler struct {
	Cases Cases
	Log   *slog.Logger
}

// work is what one case's records in a batch ask.
type work struct {
	ref    string
	first  string // the sequence number of the case's first record
	settle bool
	remind bool
}

// Handle implements the Lambda handler, with partial batch responses
// (template.yaml's FunctionResponseTypes: ReportBatchItemFailures).
func (h *Handler) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var order []*work
	byRef := map[string]*work{}
	for _, r := range ev.Records {
		ref, change := dynamo.Changed(r.EventName, key(r, dynamo.AttrPK), key(r, dynamo.AttrSK))
		if change == dynamo.Unrelated {
			continue
		}
		w := byRef[ref]
		if w == nil {
			w = &work{ref: ref, first: r.Change.SequenceNumber}
			byRef[ref] = w
			order = append(order, w)
		}
		w.settle = w.settle || change == dynamo.NewCase
		w.remind = w.remind || change == dynamo.DeadlineChanged
	}
	for _, w := range order {
		var err error
		switch {
		case w.settle: // settling schedules the reminders too
			err = h.Cases.Settle(ctx, w.ref)
		case w.remind:
			err = h.Cases.Remind(ctx, w.ref)
		}
		if err != nil {
			h.log().Error("case not settled: the batch is tried again from it", "ref", w.ref, "settle", w.settle, "err", err)
			return events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{{ItemIdentifier: w.first}}}, nil
		}
	}
	return events.DynamoDBEventResponse{}, nil
}

// key is a string key attribute of a record's item; "" if it has none.
func key(r events.DynamoDBEventRecord, name string) string {
	v, ok := r.Change.Keys[name]
	if !ok || v.DataType() != events.DataTypeString {
		return ""
	}
	return v.String()
}

func (h *Handler) log() *slog.Logger {
	if h.Log == nil {
		return slog.Default()
	}
	return h.Log
}
