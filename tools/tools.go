//go:build tools

// Package tools pins the developer tools (the Wails CLI and staticcheck) so
// that builds never depend on a global install. It is its own module because
// the Wails CLI needs a golang.org/x/tools newer than the one it pins, which
// no longer compiles on current Go.
package tools

import (
	_ "github.com/wailsapp/wails/v2/cmd/wails"
	_ "honnef.co/go/tools/cmd/staticcheck"
)
