package reliability

import (
	"testing"

	"hookline/backend/store/pgtest"
)

// With HOOKLINE_TEST_POSTGRES set, the crash, load and bad-input tests run
// again with `hookline serve --database` on a fresh PostgreSQL schema each,
// and the tests of several instances on one database (multi_test.go) run
// there; the rest are about one process and its data folder.
func TestMain(m *testing.M) {
	pgtest.MainOn(m, "^(TestCrashRecovery|TestLoad|TestBadInput|TestMultiInstance.*)$")
}
