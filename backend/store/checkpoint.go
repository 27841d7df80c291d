package store

import (
	"database/sql"
	"fmt"
	"sync"
	"time"

	// The database/sql driver under github.com/glebarez/sqlite, used
	// directly for the checkpointer's one connection.
	_ "github.com/glebarez/go-sqlite"
)

// checkpointer copies the WAL back into the database file from its own
// connection, off the writer's path.
//
// With SQLite's automatic checkpoints, the commit that takes the WAL past
// 1,000 pages runs the checkpoint itself: it copies every page back and
// fsyncs the database file before it returns, while every other write waits
// for the writer. That commit's change is late by the fsync (several
// milliseconds here, far more on a busy disk), and so is each change queued
// behind it: the tail of the commit-to-arrival latency. The writer
// therefore runs with wal_autocheckpoint off and this goroutine checkpoints
// instead, in PASSIVE mode, which never blocks a writer or a reader: it
// copies what no reader still needs, and the next one finishes the job.
// Durability is unchanged: with synchronous=NORMAL a commit is durable
// once a later checkpoint has synced the WAL, as before, and the checkpoints
// come at least as often (see checkpointEvery).
type checkpointer struct {
	conn  *sql.DB
	kick  chan struct{}
	stop  chan struct{}
	done  chan struct{}
	every time.Duration
	once  sync.Once
	log   func(err error)
}

// checkpointEvery bounds how often checkpoints run while writes go on; a
// busy writer fills about 1,000 pages (SQLite's automatic threshold) in
// roughly this time here, so the WAL stays about as small as before.
const checkpointEvery = 200 * time.Millisecond

func startCheckpointer(opts Options) (*checkpointer, error) {
	conn, err := sql.Open("sqlite", dsn(opts, true))
	if err != nil {
		return nil, fmt.Errorf("open checkpointer for %s: %w", opts.Path, err)
	}
	conn.SetMaxOpenConns(1)
	if err := conn.Ping(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("open checkpointer for %s: %w", opts.Path, err)
	}
	c := &checkpointer{conn: conn, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
		every: checkpointEvery, log: func(err error) { opts.Logger.Warn("store: wal checkpoint", "err", err) }}
	go c.run()
	return c, nil
}

// committed tells the checkpointer that the WAL grew. It never blocks.
func (c *checkpointer) committed() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		}
		if _, err := c.conn.Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
			c.log(err)
		}
		// Coalesce: the commits of the next interval share one checkpoint.
		select {
		case <-c.stop:
			return
		case <-time.After(c.every):
		}
	}
}

// close stops the checkpointer and closes its connection. The writer's own
// close, after it, runs the final full checkpoint.
func (c *checkpointer) close() error {
	c.once.Do(func() { close(c.stop) })
	<-c.done
	return c.conn.Close()
}
