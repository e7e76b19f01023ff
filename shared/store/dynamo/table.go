package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/awscall"
)

// Key and index names of the single table. template.yaml declares the same
// (a test checks).
const (
	AttrPK        = "pk"
	AttrSK        = "sk"
	AttrGSI1PK    = "gsi1pk"
	AttrGSI1SK    = "gsi1sk"
	AttrExpiresAt = "expiresAt" // TTL attribute, for idempotency locks
	IndexGSI1     = "gsi1"
)

// CreateTable creates the table as template.yaml declares it (on-demand,
// the GSI, the stream, TTL) and waits until it is active. Deployments get
// the table from the template; this is for DynamoDB Local and tests.
func CreateTable(ctx context.Context, c *Client, table string) error {
	type attr struct{ AttributeName, AttributeType string }
	type key struct{ AttributeName, KeyType string }
	in := map[string]any{
		"TableName":            table,
		"BillingMode":          "PAY_PER_REQUEST",
		"AttributeDefinitions": []attr{{AttrPK, "S"}, {AttrSK, "S"}, {AttrGSI1PK, "S"}, {AttrGSI1SK, "S"}},
		"KeySchema":            []key{{AttrPK, "HASH"}, {AttrSK, "RANGE"}},
		"GlobalSecondaryIndexes": []map[string]any{{
			"IndexName":  IndexGSI1,
			"KeySchema":  []key{{AttrGSI1PK, "HASH"}, {AttrGSI1SK, "RANGE"}},
			"Projection": map[string]string{"ProjectionType": "ALL"},
		}},
		"StreamSpecification": map[string]any{"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"},
	}
	var inUse *awscall.Error
	if err := c.call(ctx, "CreateTable", in, nil); errors.As(err, &inUse) && inUse.Code == "ResourceInUseException" {
		return nil
	} else if err != nil {
		return fmt.Errorf("dynamo: create table %s: %w", table, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		var out struct{ Table struct{ TableStatus string } }
		if err := c.call(ctx, "DescribeTable", map[string]string{"TableName": table}, &out); err != nil {
			return fmt.Errorf("dynamo: wait for table %s: %w", table, err)
		}
		if out.Table.TableStatus == "ACTIVE" {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("dynamo: wait for table %s: %w", table, ctx.Err())
		case <-time.After(wait):
		}
	}
	ttl := map[string]any{"TableName": table, "TimeToLiveSpecification": map[string]any{"AttributeName": AttrExpiresAt, "Enabled": true}}
	if err := c.call(ctx, "UpdateTimeToLive", ttl, nil); err != nil {
		return fmt.Errorf("dynamo: enable TTL on %s: %w", table, err)
	}
	return nil
}
