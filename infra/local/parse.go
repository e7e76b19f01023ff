package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/cspr-intake/cspr-intake/shared/config"
	"github.com/cspr-intake/cspr-intake/shared/formdoc"
	"github.com/cspr-intake/cspr-intake/shared/intake"
	"github.com/cspr-intake/cspr-intake/shared/mailform"
	"github.com/cspr-intake/cspr-intake/shared/referral"
)

type parsed struct {
	File     string             `json:"file"`
	Route    referral.Route     `json:"route"`
	Complete bool               `json:"complete"`
	Referral *referral.Referral `json:"referral,omitempty"`
	Problems []referral.Problem `json:"problems"`
	Error    string             `json:"error,omitempty"`
}

// parse reads each file as intake would, checked as of today, and prints
// what it found. It stores nothing.
func parse(files []string, stdout, stderr io.Writer) int {
	if len(files) == 0 {
		fmt.Fprintln(stderr, "usage: go run ./infra/local parse FILE...")
		return 2
	}
	// Problems go to stdout; the service's own log would only repeat them.
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// It reads what the mailbox reads: a whole e-mail (.eml) too.
	readers := intake.DefaultReaders()
	readers[formdoc.Email] = mailform.ReadEmail
	svc := &intake.Service{Location: config.London, MaxBytes: config.Default().MaxInputBytes, Log: quiet, Readers: readers}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	code := 0
	for _, file := range files {
		out := parsed{File: file, Route: referral.RouteUnknown, Problems: []referral.Problem{}}
		data, err := os.ReadFile(file)
		if err != nil {
			out.Error = err.Error()
			code = 2
		} else {
			p := svc.Parse(intake.Raw{Data: data, Filename: filepath.Base(file), Channel: "cli", ReceivedAt: time.Now()})
			out.Route = p.Route
			if p.Problems != nil {
				out.Problems = p.Problems
			}
			switch {
			case !p.Readable:
				out.Error = p.Problems[0].Message
				code = 2
			case len(p.Problems) > 0:
				out.Referral = &p.Referral
				code = max(code, 1)
			default:
				out.Referral, out.Complete = &p.Referral, true
			}
		}
		if err := enc.Encode(out); err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
	}
	return code
}
