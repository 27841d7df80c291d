package main

// PublishObject makes an object's latest version public (Draft & Public).
func (a *App) PublishObject(typeName, id string) error {
	return a.bindErr(a.m.Content.Publish(a.ctx, typeName, id))
}

// UnpublishObject makes an object a draft again (Draft & Public).
func (a *App) UnpublishObject(typeName, id string) error {
	return a.bindErr(a.m.Content.Unpublish(a.ctx, typeName, id))
}

// ArchiveObject archives an object (Draft & Public).
func (a *App) ArchiveObject(typeName, id string) error {
	return a.bindErr(a.m.Content.Archive(a.ctx, typeName, id))
}
