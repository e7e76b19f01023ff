// Command minimal is the smallest aws-lambda-go function: the baseline the
// functions' cold init is measured against.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() { lambda.Start(func(context.Context) error { return nil }) }
