package store

import (
	"strings"

	"gorm.io/gorm"

	"hookline/backend/errs"
)

// PostgreSQL's text cannot hold the NUL character, where SQLite stores it
// (and simply finds no type named "a\x00b"). A statement bound to such a
// string would fail with an internal error; refusing it beforehand as bad
// input keeps every such request a 400 and the database untouched.
func refuseNUL(g *gorm.DB) error {
	check := func(db *gorm.DB) {
		for _, v := range db.Statement.Vars {
			if s, ok := v.(string); ok && strings.IndexByte(s, 0) >= 0 {
				db.AddError(errs.New(errs.Invalid, "Text cannot contain the NUL character (\\u0000)"))
				return
			}
		}
	}
	cb := g.Callback()
	for _, err := range []error{
		cb.Query().Before("gorm:query").Register("hookline:nul", check),
		cb.Row().Before("gorm:row").Register("hookline:nul", check),
		cb.Raw().Before("gorm:raw").Register("hookline:nul", check),
		cb.Create().Before("gorm:create").Register("hookline:nul", check),
		cb.Update().Before("gorm:update").Register("hookline:nul", check),
		cb.Delete().Before("gorm:delete").Register("hookline:nul", check),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}
