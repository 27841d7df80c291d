package syncwebhook

// Template is a starting point for a code webhook: the three examples of
// Flotiq's hosted sync webhooks (spec §5.7).
type Template struct {
	Name string `json:"name"`
	// Action is the action the example is meant for.
	Action string `json:"action"`
	Code   string `json:"code"`
}

// Templates returns the code webhook templates the editor offers.
func Templates() []Template {
	return []Template{
		{Name: "Edit counter", Action: "Update", Code: `// Counts the edits of an object in its edit_counter property.
function _webhook(ctx) {
  const payload = ctx.payload;
  payload.edit_counter = (payload.edit_counter || 0) + 1;
  return { payload };
}
`},
		{Name: "Slugify the title", Action: "Create", Code: `// Fills slug from title: "Hello World!" becomes "hello-world".
const _webhook = ctx => {
  const payload = ctx.payload;
  payload.slug = String(payload.title || '')
    .toLowerCase()
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return { payload };
};
`},
		{Name: "Validate maxPrice >= minPrice", Action: "Update", Code: `// Refuses a save whose maxPrice is below its minPrice.
function _webhook(ctx) {
  const { minPrice, maxPrice } = ctx.payload;
  if (typeof minPrice === 'number' && typeof maxPrice === 'number' && maxPrice < minPrice) {
    return { errors: { maxPrice: ['Max price must be greater than or equal to min price'] } };
  }
  return { payload: ctx.payload };
}
`},
	}
}
