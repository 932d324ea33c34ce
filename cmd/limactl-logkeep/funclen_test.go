// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"go/ast"
	"go/token"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxFuncLines is the longest a function may be, from its signature to its
// closing brace, doc comment left out.
const maxFuncLines = 50

// No function is over maxFuncLines lines, but for the command tables (those
// returning *cli.Command or []*cli.Command: their help texts are long), in the
// sources the message test reads (walkSources: tests and bench left out).
func TestFunctionsAreShort(t *testing.T) {
	funcs := 0
	walkSources(t, filepath.Join("..", ".."), func(fset *token.FileSet, file *ast.File) {
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil || isCommandTable(fn) {
				continue
			}
			funcs++
			lines := fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1
			assert.LessOrEqual(t, lines, maxFuncLines, "%s: %s has %d lines", fset.Position(fn.Pos()), fn.Name.Name, lines)
		}
	})
	require.Greater(t, funcs, 300, "too few functions found: is the walk broken?")
}

// isCommandTable reports whether fn returns *cli.Command or []*cli.Command.
func isCommandTable(fn *ast.FuncDecl) bool {
	if fn.Type.Results == nil || len(fn.Type.Results.List) != 1 {
		return false
	}
	typ := fn.Type.Results.List[0].Type
	if array, ok := typ.(*ast.ArrayType); ok {
		typ = array.Elt
	}
	star, ok := typ.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "cli" && sel.Sel.Name == "Command"
}
