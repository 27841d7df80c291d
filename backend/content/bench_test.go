package content

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"
)

// BenchmarkList measures the Scale note's cases: a page of 50 out of
// 100,000 objects of one type, sorted by each indexed key, and filters on
// properties. Objects are seeded with plain INSERTs (through the same
// triggers and indexes) because saving 100,000 through validation would
// dominate the run.
func BenchmarkList(b *testing.B) {
	s, tb := setupTB(b)
	ctx := context.Background()
	if _, err := s.CreateType(ctx, mustJSON(b, blogpostsJSON)); err != nil {
		b.Fatal(err)
	}
	const n = 100_000
	err := tb.db.InTx(ctx, func(tx *gorm.DB) error {
		base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := 0; i < n; i++ {
			// Creation and update order are shuffled against insertion order,
			// the worst case for reading rows in index order.
			created := base.Add(time.Duration(i*7919%n) * time.Second).Format(storedTime)
			updated := base.Add(time.Duration(i*104729%n) * time.Second).Format(storedTime)
			title := fmt.Sprintf("Title %06d", i*31%n)
			data := fmt.Sprintf(`{"title":%q,"postContent":"content %d lorem ipsum dolor sit amet"}`, title, i)
			if err := tx.Exec(`INSERT INTO objects(type, id, data, title, latest_version, created_at, updated_at) VALUES ('blogposts', ?, ?, ?, 1, ?, ?)`,
				fmt.Sprintf("blogposts-%06d", i), data, title, created, updated).Error; err != nil {
				return err
			}
		}
		return tx.Exec(`ANALYZE`).Error
	})
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		q    ListQuery
	}{
		{"createdAt/first", ListQuery{Limit: 50}},
		{"createdAt/desc", ListQuery{Limit: 50, OrderDirection: "desc"}},
		{"createdAt/page1000", ListQuery{Limit: 50, Page: 1000}},
		{"updatedAt/page1999", ListQuery{Limit: 50, OrderBy: "internal.updatedAt", Page: 1999}},
		{"id/page500", ListQuery{Limit: 50, OrderBy: "id", Page: 500}},
		{"title/page1500", ListQuery{Limit: 50, OrderBy: "title", Page: 1500}},
		{"filter/equals", ListQuery{Limit: 50, Filters: `{"title":{"type":"equals","filter":"Title 000031"}}`}},
		{"filter/contains", ListQuery{Limit: 50, Filters: `{"postContent":{"type":"contains","filter":"99"}}`}},
		{"order/unindexed", ListQuery{Limit: 50, OrderBy: "postContent"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := s.List(ctx, "blogposts", c.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCreate measures one Create of a small object (the shape of the
// benchmark's product) with nobody listening: validation, the id, the
// object and version rows and the commit. "parallel" runs 16 callers, whose
// writes share transactions (group commit).
func BenchmarkCreate(b *testing.B) {
	const product = `{"name":"product","label":"Product",
	 "schemaDefinition":{"type":"object","allOf":[{"$ref":"#/components/schemas/AbstractContentTypeSchemaDefinition"},
	   {"type":"object","properties":{"name":{"type":"string","minLength":1},"price":{"type":"number"}}}],
	   "required":["name"],"additionalProperties":false},
	 "metaDefinition":{"propertiesConfig":{
	   "name":{"label":"Name","inputType":"text","unique":false,"isTitlePart":true},
	   "price":{"label":"Price","inputType":"number","unique":false}},
	   "order":["name","price"]}}`
	open := func(b *testing.B) *Service {
		_, tb := setupTB(b)
		s := New(tb.db, Options{})
		if _, err := s.CreateType(context.Background(), mustJSON(b, product)); err != nil {
			b.Fatal(err)
		}
		return s
	}
	body := func(i int) map[string]any {
		return map[string]any{"name": fmt.Sprintf("Premium pack %d", i), "price": float64(500 + i%100)}
	}
	b.Run("serial", func(b *testing.B) {
		s := open(b)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := s.Create(context.Background(), "product", body(i)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		s := open(b)
		b.ReportAllocs()
		b.SetParallelism(8) // 16 callers on 2 cores
		b.RunParallel(func(pb *testing.PB) {
			for i := 0; pb.Next(); i++ {
				if _, err := s.Create(context.Background(), "product", body(i)); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}
