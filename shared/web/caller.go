package web

import (
	"context"
	"net/http"
)

// Caller is who makes a request of the API: the name recorded as the actor
// and the workspace role whose rules apply ("" for a caller trusted with
// every action, as the AWS intake API's IAM-signed callers are).
type Caller struct {
	Actor string
	Role  string
}

// Authenticator says who a request comes from, or false when it carries
// no credential that is good.
type Authenticator func(r *http.Request) (Caller, bool)

type callerKey struct{}

// WithCaller keeps the caller on a request's context.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerOf is the caller a request's context carries.
func CallerOf(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}
