package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// messagesCmd lists the mailbox's held messages, or those with another
// outcome, from a running system:
//
//	go run ./infra/local messages [-addr HOST:PORT|URL] [-data DIR] [-outcome quarantined|refused|case|correction]
func messagesCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("messages", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "the running system's web address (host:port or a URL); empty: where the system running on -data listens")
	outcome := fs.String("outcome", "quarantined", "which messages: quarantined, refused, case or correction")
	data := fs.String("data", ".data", "the running system's data folder, where its api-token is")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	return call(stdout, stderr, *data, *addr, http.MethodGet, "/api/messages?outcome="+url.QueryEscape(*outcome), "")
}

// releaseCmd releases a held message into intake, on an officer's word:
//
//	go run ./infra/local release [-addr HOST:PORT|URL] [-data DIR] [-officer NAME] KEY
func releaseCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "the running system's web address (host:port or a URL); empty: where the system running on -data listens")
	officer := fs.String("officer", "local-officer", "who releases it, for the record")
	data := fs.String("data", ".data", "the running system's data folder, where its api-token is")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: release [-addr HOST:PORT|URL] [-officer NAME] KEY (see the messages command for keys)")
		return 2
	}
	return call(stdout, stderr, *data, *addr, http.MethodPost, "/api/messages/"+url.PathEscape(fs.Arg(0))+"/release", *officer)
}

// base is the running system's address as a URL: the server's -addr form
// (127.0.0.1:8080) or a URL (http://127.0.0.1:8080/).
func base(addr string) string {
	addr = strings.TrimRight(addr, "/")
	if !strings.Contains(addr, "://") {
		addr = "http://" + addr
	}
	return addr
}

// call makes one request to the running system — at addr, or where the
// system running on the data folder listens — with the token from its
// data folder, and prints its JSON answer.
func call(stdout, stderr io.Writer, dataDir, addr, method, path, officer string) int {
	token, err := readAPIToken(dataDir)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if addr == "" {
		if addr, err = runningAt(dataDir); err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
	}
	req, err := http.NewRequest(method, base(addr)+path, nil)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if officer != "" {
		req.Header.Set("X-Officer", officer)
	}
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "cannot reach cspr-intake (is it running? go run ./infra/local): %v\n", err)
		return 2
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var v any
	if json.Unmarshal(body, &v) != nil {
		fmt.Fprintf(stderr, "unexpected answer %d: %s\n", resp.StatusCode, body)
		return 2
	}
	out, _ := json.MarshalIndent(v, "", "  ")
	fmt.Fprintln(stdout, string(out))
	if resp.StatusCode >= 300 {
		return 1
	}
	return 0
}
