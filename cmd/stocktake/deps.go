package main
import (
 _ "github.com/spf13/cobra"
 _ "modernc.org/sqlite"
 _ "github.com/pressly/goose/v3"
 _ "github.com/schollz/progressbar/v3"
 _ "gonum.org/v1/gonum/stat"
 _ "gonum.org/v1/plot"
 _ "gopkg.in/yaml.v3"
 _ "golang.org/x/term"
)
func main(){}
