// Command local runs cspr-intake on one machine with embedded parts, and
// reads referral forms from the command line.
//
//	go run ./infra/local [-data DIR] [-addr HOST:PORT] [-config FILE]
//	go run ./infra/local parse FILE...
//	go run ./infra/local workdays add DATE N | between DATE DATE | holidays YEAR
//	go run ./infra/local deadlines [-rules darlington|nel] -event TYPE=WHEN[,key=value] ...
//	go run ./infra/local messages [-outcome quarantined] | release [-officer NAME] KEY
//
// The first starts the whole system: the web pages and intake API on
// http://127.0.0.1:8080, the mailbox as an SMTP server on 127.0.0.1:2525,
// the store (a bbolt file), raw inputs, reminder schedules and an outbox
// of sent e-mail under the data folder (./.data by default). Ctrl-C stops
// it cleanly.
//
// The second prints, for each file, one JSON object {"file", "route",
// "complete", "referral", "problems"} and exits 0 when every file is
// complete, 1 when any has problems, 2 when any cannot be read.
//
// workdays answers England and Wales working-day questions; deadlines
// prints the statutory deadlines and reminders a case history gives.
// messages and release ask the running system for the mail it holds
// (quarantined) and release a message into intake.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program, testable: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "parse":
			return parse(args[1:], stdout, stderr)
		case "workdays":
			return workdaysCmd(args[1:], stdout, stderr)
		case "deadlines":
			return deadlinesCmd(args[1:], stdout, stderr)
		case "messages":
			return messagesCmd(args[1:], stdout, stderr)
		case "release":
			return releaseCmd(args[1:], stdout, stderr)
		}
	}
	if err := serve(ctx, args, stderr, nil); err != nil {
		fmt.Fprintln(stderr, "cspr-intake:", err)
		return 1
	}
	return 0
}
