// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/lima-vm/lima/v2/pkg/identifiers"
)

// errNameAtRunTime means that Lima derives the instance name of a locator from
// something only limactl learns when it runs: a github: locator (fetched from
// GitHub, following the repository's redirects), a SCHEME: locator that a
// limactl-url-SCHEME plugin may rewrite, or an image URL (named by heuristics
// that depend on the host). limactl-logkeep neither fetches nor runs plugins.
var errNameAtRunTime = errors.New("Lima derives the instance name when it fetches the template or runs a limactl-url plugin; give --name to name it")

// nameFromLocator derives the instance name limactl gives an instance created
// from a template locator without --name, following limatmpl.Read in Lima
// v2.2.0 (the same names as v1.2.1 for the forms v1.2.1 knows):
//   - "template:NAME" and the older "template://NAME": the base of NAME;
//   - http, https and file URLs: the base of the URL's path;
//   - anything else without a URL scheme: a local file, its base name;
//
// each lower-cased, without a .yml/.yaml suffix, and a valid identifier. It
// returns an error wrapping errNameAtRunTime for github: locators, other
// SCHEME: locators and image URLs (see errNameAtRunTime).
//
// The rules are copied from pkg/limatmpl (TransformCustomURL, SeemsTemplateURL,
// SeemsHTTPURL, SeemsFileURL, InstNameFromURL, InstNameFromYAMLPath) because that
// package links most of Lima and its package initialisation would run on every
// command of limactl-logkeep; a fuzz test checks that both agree.
func nameFromLocator(locator string) (string, error) {
	resolved, err := resolveLocator(locator)
	if err != nil {
		return "", err
	}
	if seemsImage(resolved) {
		return "", fmt.Errorf("image locator %q: %w", locator, errNameAtRunTime)
	}
	u, err := url.Parse(resolved)
	switch {
	case err != nil:
		return nameFromYAMLPath(resolved)
	case u.Scheme == "template" && u.Opaque != "":
		return nameFromYAMLPath(u.Opaque)
	case u.Scheme == "template":
		return nameFromYAMLPath(path.Join(u.Host, u.Path))
	case u.Scheme == "http", u.Scheme == "https", u.Scheme == "file":
		return nameFromYAMLPath(path.Base(u.Path))
	}
	return nameFromYAMLPath(resolved)
}

// resolveLocator is the part of limatmpl.TransformCustomURL that needs no
// network and no plugin: "template://NAME" becomes "template:NAME"; a
// locator without a scheme of two or more letters, or an http, https, file or
// template one, stays as it is. Any other scheme (github:, or one a
// limactl-url-SCHEME plugin may handle) gives an error wrapping
// errNameAtRunTime.
func resolveLocator(locator string) (string, error) {
	for seen := map[string]bool{}; !seen[locator]; {
		seen[locator] = true
		u, err := url.Parse(locator)
		if err != nil || len(u.Scheme) <= 1 {
			return locator, nil
		}
		switch u.Scheme {
		case "http", "https", "file":
			return locator, nil
		case "template":
			next := "template:" + path.Join(u.Host, u.Path)
			if u.Opaque != "" || next == locator {
				return locator, nil
			}
			locator = next
		default:
			return "", fmt.Errorf("%s: locator %q: %w", u.Scheme, locator, errNameAtRunTime)
		}
	}
	return "", fmt.Errorf("locator %q has a redirect loop (as Lima would say)", locator)
}

// imageURL is Lima v2.2.0's limatmpl.imageURLRegex (unexported there, and limatmpl
// links Lima's YAML stack, which the binary leaves out).
var imageURL = regexp.MustCompile(`\.(img|qcow2|raw|iso|ipsw)(\.(gz|xz|bz2|zstd))?$`)

// seemsImage reports whether Lima takes locator for an image URL.
func seemsImage(locator string) bool { return imageURL.MatchString(locator) }

// nameFromYAMLPath is limatmpl.InstNameFromYAMLPath.
func nameFromYAMLPath(yamlPath string) (string, error) {
	s := strings.ToLower(filepath.Base(yamlPath))
	s = strings.TrimSuffix(strings.TrimSuffix(s, ".yml"), ".yaml")
	if err := identifiers.Validate(s); err != nil {
		return "", fmt.Errorf("filename %q is invalid: %w", yamlPath, err)
	}
	return s, nil
}
