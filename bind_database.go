package main

import "hookline/backend/dbconfig"

// DatabaseSetting reports the running database and the one saved for the
// next start (passwords masked).
func (a *App) DatabaseSetting() (dbconfig.View, error) {
	v, err := a.m.Database.Current()
	return v, a.bindErr(err)
}

// TestDatabase connects to a PostgreSQL URL and looks at it, changing
// nothing.
func (a *App) TestDatabase(url string) (dbconfig.TestResult, error) {
	r, err := a.m.Database.Test(a.ctx, url)
	return r, a.bindErr(err)
}

// SaveDatabase tests a PostgreSQL URL and keeps it for the next start.
func (a *App) SaveDatabase(url string) (dbconfig.View, error) {
	v, err := a.m.Database.Save(a.ctx, url)
	return v, a.bindErr(err)
}

// UseSQLite forgets the saved URL: the next start uses SQLite again.
func (a *App) UseSQLite() (dbconfig.View, error) {
	v, err := a.m.Database.Clear()
	return v, a.bindErr(err)
}
