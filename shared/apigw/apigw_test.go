package apigw

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func TestHandler(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/echo":
			w.Header().Add("Set-Cookie", "a=1")
			w.Header().Add("Set-Cookie", "b=2")
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, r.Method+" "+r.URL.Query()["x"][1]+" "+r.Header.Get("Cookie")+" "+string(body)+" "+r.RemoteAddr)
		case "/file":
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write([]byte{0, 1, 2})
		}
	})
	fn := Handler(h)
	resp, err := fn(context.Background(), events.APIGatewayProxyRequest{
		HTTPMethod: "POST", Path: "/echo", MultiValueQueryStringParameters: map[string][]string{"x": {"1", "2"}},
		MultiValueHeaders: map[string][]string{"Cookie": {"c=3"}}, Body: base64.StdEncoding.EncodeToString([]byte("form=1")), IsBase64Encoded: true,
		RequestContext: events.APIGatewayProxyRequestContext{Identity: events.APIGatewayRequestIdentity{SourceIP: "203.0.113.10"}},
	})
	if err != nil || resp.StatusCode != 200 || resp.Body != "POST 2 c=3 form=1 203.0.113.10:0" || len(resp.MultiValueHeaders["Set-Cookie"]) != 2 || resp.IsBase64Encoded {
		t.Errorf("echo: %+v %v", resp, err)
	}
	resp, _ = fn(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/file"})
	if !resp.IsBase64Encoded || resp.Body != base64.StdEncoding.EncodeToString([]byte{0, 1, 2}) {
		t.Errorf("binary: %+v", resp)
	}
	resp, _ = fn(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: "POST", Path: "/echo", Body: "%%%", IsBase64Encoded: true})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad base64: %d", resp.StatusCode)
	}
}
