// Package errs defines the one coded error type used across cspr-intake.
//
// Ports document which codes their methods return. Callers read the code
// with Code and the safe message with Message; the edges (HTTP handlers,
// Lambda handlers, the CLI) map codes to statuses in exactly one place.
// Messages never carry child or family details: they name references,
// sections and fields only.
package errs

import (
	"errors"
	"fmt"
)

// Error codes.
const (
	Invalid     = "invalid"     // the input breaks a rule; Message says which
	NotFound    = "notfound"    // the thing asked for does not exist
	Conflict    = "conflict"    // the write lost a race or repeats a unique write
	TooLarge    = "toolarge"    // the input is over a size or count limit
	Unsupported = "unsupported" // the request is not in a form we take (its content type)
	Busy        = "busy"        // too much is being read at once: try again shortly
	Internal    = "internal"    // anything else; Message is generic
)

// Error is an error with a code, a message safe to show a user, and an
// optional wrapped cause that is for logs only.
type Error struct {
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// E returns an *Error with a formatted message.
func E(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error that keeps err as its cause.
func Wrap(code string, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// Code returns the code of the first *Error in err's chain, Internal for any
// other non-nil error, and "" for nil.
func Code(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Message returns the user-safe message of the first *Error in err's chain,
// or a generic message for any other error.
func Message(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != Internal {
		return e.Message
	}
	return "Something went wrong on our side. Nothing you sent was lost; please try again later."
}
