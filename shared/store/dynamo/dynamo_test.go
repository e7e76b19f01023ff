package dynamo

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/cspr-intake/cspr-intake/shared/store"
	"github.com/cspr-intake/cspr-intake/shared/store/storetest"
	"github.com/cspr-intake/cspr-intake/shared/testenv"
)

var emulator = testenv.Lazy{Start: testenv.StartDynamoDBLocal}

func TestMain(m *testing.M) { testenv.Main(m, &emulator) }

// LocalClient returns a client for DynamoDB Local at endpoint, with fixed
// credentials so no AWS account or network is needed.
func localClient(endpoint string) *dynamodb.Client {
	return dynamodb.NewFromConfig(testenv.AWSConfig(), func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.DisableValidateResponseChecksum = true
	})
}

var tables atomic.Int64

func TestConformance(t *testing.T) {
	endpoint := emulator.Endpoint(t)
	client := localClient(endpoint)
	storetest.Run(t, func(t *testing.T) store.Store {
		table := fmt.Sprintf("cspr-test-%d", tables.Add(1))
		if err := CreateTable(context.Background(), client, table); err != nil {
			t.Fatal(err)
		}
		return New(client, table, nil)
	})
}

// TestNoScans: the store reaches DynamoDB through API only, which has no
// Scan: every list — the case list's pages, due deadlines, held mail — is
// a query on the table or its index, whatever the table's size.
func TestNoScans(t *testing.T) {
	api := reflect.TypeOf((*API)(nil)).Elem()
	var methods []string
	for i := range api.NumMethod() {
		methods = append(methods, api.Method(i).Name)
	}
	if strings.Join(methods, ",") != "GetItem,Query,TransactWriteItems" {
		t.Errorf("the store may call %v; a list must be a query", methods)
	}
}
