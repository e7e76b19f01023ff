// Package apigw serves an http.Handler behind API Gateway's REST API
// (Lambda proxy integration), so the public web form runs the same
// handler as the local runner. REST APIs, unlike Function URLs and HTTP
// APIs, take a regional WAF web ACL, which is why the public form uses
// one.
//
// Request bodies arrive base64-encoded when the API's binary media types
// match (template.yaml sets */*); response bodies are sent as text when
// their type is text, JSON, JavaScript or SVG, and base64 otherwise (the
// Word downloads).
package apigw

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// MaxBody is the most a request body may hold once decoded: API
// Gateway's own limit is 10 MB, Lambda's 6 MB.
const MaxBody = 6 << 20

// Handler adapts h to the Lambda handler of a REST API proxy
// integration.
func Handler(h http.Handler) func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return func(ctx context.Context, ev events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		r, err := Request(ctx, ev)
		if err != nil {
			return events.APIGatewayProxyResponse{StatusCode: http.StatusBadRequest, Body: "bad request",
				Headers: map[string]string{"Content-Type": "text/plain; charset=utf-8"}}, nil
		}
		w := &recorder{header: http.Header{}}
		h.ServeHTTP(w, r)
		return w.response(), nil
	}
}

// Request builds the http.Request of a proxy event.
func Request(ctx context.Context, ev events.APIGatewayProxyRequest) (*http.Request, error) {
	body := []byte(ev.Body)
	if ev.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(ev.Body); err != nil {
			return nil, err
		}
	}
	if len(body) > MaxBody {
		body = body[:MaxBody+1] // the handler's own limit refuses it
	}
	q := url.Values{}
	for k, vs := range ev.MultiValueQueryStringParameters {
		q[k] = vs
	}
	if len(q) == 0 {
		for k, v := range ev.QueryStringParameters {
			q.Set(k, v)
		}
	}
	path := ev.Path
	if path == "" {
		path = "/"
	}
	u := &url.URL{Path: path, RawQuery: q.Encode()}
	r, err := http.NewRequestWithContext(ctx, ev.HTTPMethod, u.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, vs := range ev.MultiValueHeaders {
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	if len(ev.MultiValueHeaders) == 0 {
		for k, v := range ev.Headers {
			r.Header.Set(k, v)
		}
	}
	r.Host = r.Header.Get("Host")
	r.RemoteAddr = ev.RequestContext.Identity.SourceIP + ":0"
	r.ContentLength = int64(len(body))
	return r, nil
}

// recorder collects a handler's response.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *recorder) Header() http.Header { return w.header }

func (w *recorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *recorder) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}

func (w *recorder) response() events.APIGatewayProxyResponse {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.header.Get("Content-Type") == "" && w.body.Len() > 0 {
		w.header.Set("Content-Type", http.DetectContentType(w.body.Bytes()))
	}
	resp := events.APIGatewayProxyResponse{StatusCode: w.status, MultiValueHeaders: map[string][]string(w.header)}
	if textual(w.header.Get("Content-Type")) {
		resp.Body = w.body.String()
	} else {
		resp.Body, resp.IsBase64Encoded = base64.StdEncoding.EncodeToString(w.body.Bytes()), true
	}
	return resp
}

func textual(ctype string) bool {
	ctype = strings.ToLower(ctype)
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "json") || strings.Contains(ctype, "javascript") ||
		strings.HasPrefix(ctype, "image/svg")
}
