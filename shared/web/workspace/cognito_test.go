package workspace

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/cspr-intake/cspr-intake/shared/errs"
	"github.com/cspr-intake/cspr-intake/shared/testenv"
)

var moto = testenv.Lazy{Start: testenv.StartMoto}

func TestMain(m *testing.M) { testenv.Main(m, &moto) }

// cognito calls moto's Cognito user pools API (JSON over HTTP, as the SDK
// sends it).
func cognito(t *testing.T, endpoint, op string, in map[string]any) map[string]any {
	t.Helper()
	body, _ := json.Marshal(in)
	req, _ := http.NewRequest(http.MethodPost, endpoint+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20261130/eu-west-2/cognito-idp/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %v", op, resp.StatusCode, out)
	}
	return out
}

// TestCognitoTokens verifies ID tokens that moto's Cognito issues (an
// administrator's user in the business-unit group, signed in with
// AdminInitiateAuth), with the keys moto publishes at the pool's
// /.well-known/jwks.json, on the same verifier the workspace signs people
// in with. A token for another pool or client, expired, unsigned or
// changed is refused.
func TestCognitoTokens(t *testing.T) {
	ctx := context.Background()
	endpoint := moto.Endpoint(t)
	pool := cognito(t, endpoint, "CreateUserPool", map[string]any{"PoolName": "cspr-workspace"})["UserPool"].(map[string]any)["Id"].(string)
	client := cognito(t, endpoint, "CreateUserPoolClient", map[string]any{"UserPoolId": pool, "ClientName": "workspace",
		"ExplicitAuthFlows": []string{"ADMIN_USER_PASSWORD_AUTH"}})["UserPoolClient"].(map[string]any)["ClientId"].(string)
	cognito(t, endpoint, "CreateGroup", map[string]any{"UserPoolId": pool, "GroupName": RoleBusinessUnit})
	cognito(t, endpoint, "AdminCreateUser", map[string]any{"UserPoolId": pool, "Username": "officer.jones",
		"UserAttributes": []map[string]string{{"Name": "email", "Value": "officer.jones@darlington.gov.uk"}}})
	cognito(t, endpoint, "AdminSetUserPassword", map[string]any{"UserPoolId": pool, "Username": "officer.jones", "Password": "Correct-Horse-7-Battery", "Permanent": true})
	cognito(t, endpoint, "AdminAddUserToGroup", map[string]any{"UserPoolId": pool, "Username": "officer.jones", "GroupName": RoleBusinessUnit})
	auth := cognito(t, endpoint, "AdminInitiateAuth", map[string]any{"UserPoolId": pool, "ClientId": client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
		"AuthParameters": map[string]string{"USERNAME": "officer.jones", "PASSWORD": "Correct-Horse-7-Battery"}})
	token := auth["AuthenticationResult"].(map[string]any)["IdToken"].(string)

	issuer := "https://cognito-idp.eu-west-2.amazonaws.com/" + pool // what Cognito names itself; moto signs as it
	keys := oidc.NewRemoteKeySet(ctx, endpoint+"/"+pool+"/.well-known/jwks.json")
	verifier := func(issuer, client string, now func() time.Time) *OIDC {
		return newOIDC(issuer, keys, oauth2.Endpoint{}, client, "", "", "cognito:groups", now)
	}
	id, err := verifier(issuer, client, nil).Verify(ctx, token, "")
	if err != nil || id.Role != RoleBusinessUnit || id.Subject == "" {
		t.Fatalf("moto's token: %+v %v", id, err)
	}

	parts := strings.Split(token, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	_ = json.Unmarshal(payload, &claims)
	claims["cognito:groups"] = []string{RoleBusinessUnit, "admins"}
	changed, _ := json.Marshal(claims)
	b64 := base64.RawURLEncoding.EncodeToString
	for name, c := range map[string]struct {
		o     *OIDC
		token string
	}{
		"another pool's issuer": {verifier("https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_another", client, nil), token},
		"another client":        {verifier(issuer, "another-client", nil), token},
		"expired":               {verifier(issuer, client, func() time.Time { return time.Now().Add(2 * time.Hour) }), token},
		"unsigned (alg none)":   {verifier(issuer, client, nil), b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."},
		"changed":               {verifier(issuer, client, nil), parts[0] + "." + b64(changed) + "." + parts[2]},
	} {
		if _, err := c.o.Verify(ctx, c.token, ""); errs.Code(err) != errs.Invalid {
			t.Errorf("%s: %v", name, err)
		}
	}
}
