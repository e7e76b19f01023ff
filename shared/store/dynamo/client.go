package dynamo

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/cspr-intake/cspr-intake/shared/awscall"
)

// The store speaks DynamoDB's JSON protocol itself, over shared/awscall:
// three operations, items of strings, numbers and bytes. The SDK's client
// linked every operation's schema into every function and built them at
// start — 1.2–1.6 ms and 0.6 MB of each cold start (docs/performance.md).

// Value is one attribute's value: a string, a number (in decimal, as
// DynamoDB sends it) or bytes — all the store writes.
type Value struct {
	S *string `json:"S,omitempty"`
	N *string `json:"N,omitempty"`
	B []byte  `json:"B,omitempty"` // base64 in JSON
}

// Item is an item, or a key, by attribute name.
type Item map[string]Value

// GetItemInput is GetItem's request.
type GetItemInput struct {
	TableName      string
	Key            Item
	ConsistentRead bool `json:",omitempty"`
}

// QueryInput is Query's request.
type QueryInput struct {
	TableName                 string
	IndexName                 string            `json:",omitempty"`
	KeyConditionExpression    string            `json:",omitempty"`
	ProjectionExpression      string            `json:",omitempty"`
	ExpressionAttributeNames  map[string]string `json:",omitempty"`
	ExpressionAttributeValues Item              `json:",omitempty"`
	ConsistentRead            bool              `json:",omitempty"`
	ExclusiveStartKey         Item              `json:",omitempty"`
	Limit                     int               `json:",omitempty"` // items a page; 0: up to 1 MB
}

// QueryOutput is one page of a query's answer.
type QueryOutput struct {
	Items            []Item
	LastEvaluatedKey Item
}

// TransactItem is one write of a transaction: exactly one of its fields.
type TransactItem struct {
	Put            *Put            `json:",omitempty"`
	Update         *Update         `json:",omitempty"`
	Delete         *Delete         `json:",omitempty"`
	ConditionCheck *ConditionCheck `json:",omitempty"`
}

// Put writes a whole item.
type Put struct {
	TableName                 string
	Item                      Item
	ConditionExpression       string            `json:",omitempty"`
	ExpressionAttributeNames  map[string]string `json:",omitempty"`
	ExpressionAttributeValues Item              `json:",omitempty"`
}

// Update changes some attributes of an item.
type Update struct {
	TableName                 string
	Key                       Item
	UpdateExpression          string
	ConditionExpression       string `json:",omitempty"`
	ExpressionAttributeValues Item   `json:",omitempty"`
}

// Delete removes an item.
type Delete struct {
	TableName string
	Key       Item
}

// ConditionCheck holds a transaction to a condition on an item it does
// not write.
type ConditionCheck struct {
	TableName           string
	Key                 Item
	ConditionExpression string
}

// CancelledError is a transaction DynamoDB cancelled: a reason for each
// item, in order ("None" where the item was not the cause,
// "ConditionalCheckFailed", "TransactionConflict", …).
type CancelledError struct {
	Reasons []string
	Err     error
}

func (e *CancelledError) Error() string {
	return fmt.Sprintf("transaction cancelled %v: %v", e.Reasons, e.Err)
}

func (e *CancelledError) Unwrap() error { return e.Err }

// Client calls DynamoDB.
type Client struct {
	Call *awscall.Client // in the table's region, Service "dynamodb"
	// Endpoint is where DynamoDB is: "" for AWS's own
	// (https://dynamodb.REGION.amazonaws.com), or an emulator's.
	Endpoint string
}

// NewClient is a DynamoDB client on a caller (its service is set here);
// endpoint "" is AWS's own.
func NewClient(c awscall.Client, endpoint string) *Client {
	return &Client{Call: c.For("dynamodb"), Endpoint: endpoint}
}

// GetItem reads one item; nil if there is none.
func (c *Client) GetItem(ctx context.Context, in *GetItemInput) (Item, error) {
	var out struct{ Item Item }
	err := c.call(ctx, "GetItem", in, &out)
	return out.Item, err
}

// Query reads one page of a query.
func (c *Client) Query(ctx context.Context, in *QueryInput) (*QueryOutput, error) {
	var out QueryOutput
	if err := c.call(ctx, "Query", in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// TransactWriteItems writes items all or none; a cancelled transaction is
// a *CancelledError. Each call carries its own idempotency token, as the
// SDK's client did: when an answer is lost and the call is sent again
// (shared/awscall), DynamoDB answers it without writing twice, so a case
// created by the first sending is not then found as a duplicate.
func (c *Client) TransactWriteItems(ctx context.Context, items []TransactItem) error {
	return c.call(ctx, "TransactWriteItems", struct {
		TransactItems      []TransactItem
		ClientRequestToken string
	}{items, rand.Text()}, nil)
}

// call makes one operation: a signed POST of its request as JSON.
func (c *Client) call(ctx context.Context, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("dynamodb %s: %w", op, err)
	}
	resp, err := c.Call.Do(ctx, awscall.Request{Method: http.MethodPost, URL: c.Call.Base(c.Endpoint, "dynamodb") + "/", Body: body,
		Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"}, "X-Amz-Target": {"DynamoDB_20120810." + op}}})
	if err != nil {
		return cancellation(fmt.Errorf("dynamodb %s: %w", op, err))
	}
	defer resp.Body.Close()
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("dynamodb %s: reading the answer: %w", op, err)
	}
	return nil
}

// cancellation reads a cancelled transaction's reasons from its refusal.
func cancellation(err error) error {
	var e *awscall.Error
	if !errors.As(err, &e) || e.Code != "TransactionCanceledException" {
		return err
	}
	var body struct {
		CancellationReasons []struct{ Code string }
	}
	if json.NewDecoder(bytes.NewReader(e.Body)).Decode(&body) != nil {
		return err
	}
	out := &CancelledError{Err: err}
	for _, r := range body.CancellationReasons {
		out.Reasons = append(out.Reasons, r.Code)
	}
	return out
}

// S is a string value.
func S(v string) Value { return Value{S: &v} }

// String is a value's string; "" if it has none.
func (v Value) String() string {
	if v.S == nil {
		return ""
	}
	return *v.S
}
