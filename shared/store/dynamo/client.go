package dynamo

import (
	"context"
	"errors"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// API is what the store calls of DynamoDB: three operations of the SDK's
// client (*dynamodb.Client is it). TransactWriteItems carries an
// idempotency token the SDK sets, so a call it sends again after a lost
// answer is not written twice.
type API interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

// NewClient is the SDK's DynamoDB client on cfg (its BaseEndpoint an
// emulator's, or nil for AWS's own).
func NewClient(cfg aws.Config) *dynamodb.Client {
	return dynamodb.NewFromConfig(cfg)
}

// Item is an item, or a key, by attribute name.
type Item = map[string]types.AttributeValue

func str(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func bin(b []byte) types.AttributeValue { return &types.AttributeValueMemberB{Value: b} }

// stringOf is an attribute's string; "" if it has none.
func stringOf(item Item, name string) string {
	if v, ok := item[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

// numberOf is an attribute's number, as DynamoDB gives it; "" if none.
func numberOf(item Item, name string) string {
	if v, ok := item[name].(*types.AttributeValueMemberN); ok {
		return v.Value
	}
	return ""
}

// bytesOf is an attribute's bytes; nil if none.
func bytesOf(item Item, name string) []byte {
	if v, ok := item[name].(*types.AttributeValueMemberB); ok {
		return v.Value
	}
	return nil
}

// reasons are a cancelled transaction's reasons, one for each item in
// order ("None" where the item was not the cause,
// "ConditionalCheckFailed", "TransactionConflict", …); ok is false when
// err is not a cancelled transaction.
func reasons(err error) (out []string, ok bool) {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return nil, false
	}
	for _, r := range tce.CancellationReasons {
		out = append(out, aws.ToString(r.Code))
	}
	return out, true
}
