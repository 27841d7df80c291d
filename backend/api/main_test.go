package api

import (
	"testing"

	"hookline/backend/store/pgtest"
)

// The API suites run on SQLite, and again on PostgreSQL when
// HOOKLINE_TEST_POSTGRES names a server: same requests, same answers.
func TestMain(m *testing.M) { pgtest.Main(m) }
