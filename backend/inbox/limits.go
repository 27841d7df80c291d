package inbox

import (
	"fmt"
	"net/http"
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

// checkFetchSite refuses requests a browser made on behalf of another site:
// an <img src=…/inbox/demo> on any web page would otherwise fill the inbox,
// push out real captures and move its fail-first and fail-rate counters.
// Browsers mark such requests Sec-Fetch-Site cross-site, or same-site for a
// page on another port of this machine. Senders such as servers and curl
// send no Sec-Fetch-* headers, and our own UI sends same-origin.
func checkFetchSite(h http.Header) error {
	switch site := h.Get("Sec-Fetch-Site"); site {
	case "cross-site", "same-site":
		return errs.New(errs.Forbidden, "the inbox does not record requests a browser sends on behalf of another site (Sec-Fetch-Site: %s)", site)
	}
	return nil
}
