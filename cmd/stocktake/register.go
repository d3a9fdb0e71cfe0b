package main

import "github.com/spf13/cobra"

// registered holds the constructors of commands that add themselves to the
// root command from their own file's init(), so that adding a command does
// not edit root.go.
var registered []func() *cobra.Command

// register adds a command constructor; call it from init().
func register(f func() *cobra.Command) { registered = append(registered, f) }
