package intake

import "github.com/cspr-intake/cspr-intake/shared/referral"

// RouteWords says what a route means to the referrer: the same words in the
// mailbox's acknowledgement and on the web form's confirmation.
func RouteWords(r referral.Route) string {
	switch r {
	case referral.RouteNotification:
		return "a notifiable incident: the Statutory Safeguarding Partners decide whether the national Child Safeguarding Practice Review Panel is notified"
	case referral.RouteLearning:
		return "a learning referral for the Learning and Development Group"
	}
	return "not yet clear: the form does not say which criteria apply, so the notification deadlines run until it is known"
}

// NextSteps says what happens next on a route when no statutory deadline is
// running, so a referrer is never shown an empty list of deadlines.
func NextSteps(r referral.Route) string {
	switch r {
	case referral.RouteNotification:
		return "The Business Unit will tell the Statutory Safeguarding Partners, who will decide what happens next; you will be told their decision."
	case referral.RouteLearning:
		return "The Business Unit will pass your referral to the chair of the Learning and Development Group, who will decide whether a review is needed. The procedure sets no statutory deadline for that decision; you will be told it."
	}
	return "The Business Unit will check which criteria apply and contact you. Until that is clear the notification deadlines run, so none is missed."
}
