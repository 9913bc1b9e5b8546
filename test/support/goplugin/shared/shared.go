// Package shared is a dependency of the plugins that the gateway does not have.
package shared

// Greeting is what the plugins add.
func Greeting() string { return "hello" }
