// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxMessage is the longest fixed text an error or warning may have, verbs such
// as %q and %w left out: what they interpolate (paths, instance names, the
// wrapped error) comes on top.
const maxMessage = 160

// message is the fixed text of one error or warning in the sources.
type message struct {
	pos  string // file:line
	call string // fmt.Errorf, cli.Exit, log.Warnf, ...
	text string // the format or message, literal parts only
}

// Every error and warning is one line, as limactl's are: no format or message
// passed to fmt.Errorf, errors.New, cli.Exit or a logger contains "\n" or has
// more than maxMessage characters of fixed text. It reads the non-test sources
// of every package of ours but bench, scripts and internal (the CLI's usage and
// help texts are not messages: they are not passed to these calls).
func TestMessagesAreOneShortLine(t *testing.T) {
	msgs := sourceMessages(t, filepath.Join("..", ".."))
	require.Greater(t, len(msgs), 100, "too few messages found: is the walk broken?")
	verb := regexp.MustCompile(`%[-+# 0]*[0-9*]*(\.[0-9*]+)?[a-zA-Z%]`)
	for _, m := range msgs {
		fixed := verb.ReplaceAllString(m.text, "")
		assert.NotContains(t, m.text, "\n", "%s: %s: more than one line: %q", m.pos, m.call, m.text)
		assert.LessOrEqual(t, len([]rune(fixed)), maxMessage, "%s: %s: over %d characters: %q", m.pos, m.call, maxMessage, m.text)
	}
}

// The walk finds the messages it must judge, and only those.
func TestSourceMessagesFindsEachKindOfCall(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pkg")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	src := `package pkg
var _ = fmt.Errorf("a %w\n" + "b", err)
var _ = errors.New("plain")
var _ = cli.Exit(fmt.Sprintf("exit %d", 2), 2)
var _ = cli.Exit(err.Error()+": hint", 1)
var _ = cli.Exit("", 1)
func f() { log.WithField("instance", n).Warnf("warned %s", x); h.Log.Warn(err); h.Log.Info("said") }
var _ = &cli.Command{Usage: "not a message", Description: "nor this\n"}
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pkg.go"), []byte(src), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pkg_test.go"), []byte("package pkg\nvar _ = errors.New(\"test only\")\n"), 0o644))
	var texts []string
	for _, m := range sourceMessages(t, filepath.Dir(dir)) {
		texts = append(texts, m.call+": "+m.text)
	}
	assert.ElementsMatch(t, []string{"fmt.Errorf: a %w\nb", "errors.New: plain", "cli.Exit: exit %d", "cli.Exit: : hint",
		"Warnf: warned %s", "Info: said"}, texts)
}

// messageCalls are the calls whose first argument is an error or warning text:
// package-qualified ones, and logger methods (logrus' FieldLogger) on anything.
var messageCalls = map[string]bool{"fmt.Errorf": true, "errors.New": true, "cli.Exit": true, "cli.NewExitError": true}

var loggerMethods = []string{"Warn", "Warnf", "Warning", "Warningf", "Error", "Errorf", "Info", "Infof", "Fatal", "Fatalf", "Debug", "Debugf", "Print", "Printf"}

// sourceMessages returns the messages in the sources walkSources reads.
func sourceMessages(t *testing.T, root string) []message {
	t.Helper()
	var msgs []message
	walkSources(t, root, func(fset *token.FileSet, file *ast.File) {
		ast.Inspect(file, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if name, ok := messageCall(call); ok && len(call.Args) > 0 {
					if text, ok := literalText(call.Args[0]); ok && text != "" {
						msgs = append(msgs, message{pos: fset.Position(call.Pos()).String(), call: name, text: text})
					}
				}
			}
			return true
		})
	})
	return msgs
}

// walkSources parses each non-test Go file under root, but for those in
// testdata and hidden directories and in bench, scripts and internal at the
// root, and calls visit with it.
func walkSources(t *testing.T, root string, visit func(*token.FileSet, *ast.File)) {
	t.Helper()
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return skipDir(root, path, d.Name())
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err == nil {
			visit(fset, file)
		}
		return err
	})
	require.NoError(t, err)
}

// skipDir returns filepath.SkipDir for the directories whose sources are not
// judged: testdata, hidden ones, and bench, scripts and internal at the root.
func skipDir(root, path, name string) error {
	topLevel := filepath.Dir(path) == filepath.Clean(root)
	if path != root && (name == "testdata" || strings.HasPrefix(name, ".") || topLevel && slices.Contains([]string{"bench", "scripts", "internal"}, name)) {
		return filepath.SkipDir
	}
	return nil
}

// messageCall names call when its first argument is a message: "fmt.Errorf",
// or a logger method's name such as "Warnf".
func messageCall(call *ast.CallExpr) (string, bool) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	if pkg, ok := sel.X.(*ast.Ident); ok && messageCalls[pkg.Name+"."+sel.Sel.Name] {
		return pkg.Name + "." + sel.Sel.Name, true
	}
	if pkg, ok := sel.X.(*ast.Ident); ok && (pkg.Name == "fmt" || pkg.Name == "errors" || pkg.Name == "cli") {
		return "", false
	}
	return sel.Sel.Name, slices.Contains(loggerMethods, sel.Sel.Name)
}

// literalText returns the literal parts of a message expression: a string
// literal, a sum of strings (the parts that are not literal count as ""), or
// fmt.Sprintf's format. It reports false when there is no literal text at all.
func literalText(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.ParenExpr:
		return literalText(e.X)
	case *ast.BinaryExpr:
		x, okx := literalText(e.X)
		y, oky := literalText(e.Y)
		return x + y, e.Op == token.ADD && (okx || oky)
	case *ast.CallExpr:
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok && len(e.Args) > 0 {
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "fmt" && sel.Sel.Name == "Sprintf" {
				return literalText(e.Args[0])
			}
		}
	}
	return "", false
}
