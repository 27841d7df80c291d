// Package reliability holds no production code. Its tests check Hookline's
// promises end to end, against the real `hookline serve` binary and against
// app.Open in process:
//
//   - crash: SIGKILL at chosen points, restart, and every committed change
//     delivered at least once, with the same webhook-id on repeats;
//   - faults: each kind of broken receiver ends in its documented status
//     after the documented number of attempts;
//   - load: concurrent writers plus the delivery engine, with no "database
//     is locked", no 5xx and no leaked goroutine;
//   - bad input: malformed requests get a 4xx JSON error and leave the
//     content tables byte-for-byte unchanged;
//   - security and shutdown.
//
// `go test` runs the short versions. HOOKLINE_SOAK=1 (`make soak`) runs the
// long ones: 20 kills instead of 3, 60 s of load instead of 10.
package reliability
