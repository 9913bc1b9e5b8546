// Package shared, changed: a plugin built against this copy disagrees with one built against ../shared.
package shared

// Greeting is what the plugins add.
func Greeting() string { return "hello, changed" }
