//go:build bindings

package main

// generatingBindings is true when `wails build` runs this program only to
// read the bound methods; nothing may be opened or started then.
const generatingBindings = true
