package limaadapter

import (
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"strings"
)

// nameFromLocator derives the instance name limactl gives an instance created
// from a template locator (a file, "template://NAME" or a URL), following
// limatmpl.Read in Lima v1.2.1: the base name of the file or URL path, lower-cased,
// without a .yml/.yaml suffix, which must be a valid identifier (validIdentifier).
//
// The rules are copied from pkg/limatmpl (SeemsTemplateURL, SeemsHTTPURL,
// SeemsFileURL, InstNameFromURL, InstNameFromYAMLPath) because that package links
// most of Lima and its package initialisation would run on every command of
// limactl-logkeep; a fuzz test checks that both agree.
func nameFromLocator(locator string) (string, error) {
	if u, err := url.Parse(locator); err == nil {
		switch u.Scheme {
		case "template":
			return nameFromYAMLPath(path.Join(u.Host, u.Path))
		case "http", "https", "file":
			return nameFromYAMLPath(path.Base(u.Path))
		}
	}
	return nameFromYAMLPath(locator)
}

// nameFromYAMLPath is limatmpl.InstNameFromYAMLPath.
func nameFromYAMLPath(yamlPath string) (string, error) {
	s := strings.ToLower(filepath.Base(yamlPath))
	s = strings.TrimSuffix(strings.TrimSuffix(s, ".yml"), ".yaml")
	if err := validIdentifier(s); err != nil {
		return "", fmt.Errorf("filename %q is invalid: %w", yamlPath, err)
	}
	return s, nil
}
