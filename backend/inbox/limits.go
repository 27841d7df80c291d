package inbox

import (
	"fmt"
	"regexp"

	"hookline/backend/errs"
)

// MaxMethodLength bounds the method a sender may use.
const MaxMethodLength = 32

// methodPattern is the methods an inbox records: RFC 9110 tokens made of
// letters only. Go's server accepts any token, and a token may hold ' ` | ~
// and so on, which a sender could use to break out of whatever the method is
// later pasted into (a cURL command, a log line). Every registered method is
// letters.
var methodPattern = regexp.MustCompile(fmt.Sprintf(`^[A-Za-z]{1,%d}$`, MaxMethodLength))

// checkMethod refuses a method that is not letters, before anything is
// recorded.
func checkMethod(m string) error {
	if !methodPattern.MatchString(m) {
		return errs.New(errs.Invalid, "method %q is not allowed: an inbox accepts only methods of 1 to %d letters (RFC 9110 tokens such as POST or PURGE)", m, MaxMethodLength)
	}
	return nil
}
