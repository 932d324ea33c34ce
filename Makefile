# SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
# SPDX-License-Identifier: Apache-2.0
# limactl-logkeep. The two commands a fresh machine needs:
#   make demo   sets everything up and boots the built-in tiny VM through logkeep
#   make test   sets everything up and runs every test (what .ci/run runs)
PREFIX  ?= /usr/local
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
BIN     := bin/limactl-logkeep
LDFLAGS := -s -w -X main.version=$(VERSION)
# Static and stripped, without urfave/cli's man/markdown generators (unused; docs/ has its own
# generator): every command starts sooner. See bench/FINDINGS.md.

.PHONY: all build install uninstall dist setup test unit e2e reliability fuzz lint cross demo bench docs clean cover

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -tags urfave_cli_no_docs -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/limactl-logkeep

# Installs into $(DESTDIR)$(PREFIX) the layout of the release archives (scripts/install.sh says
# which file goes where and why): a small sh entry <prefix>/bin/limactl-logkeep, also in
# <prefix>/libexec/lima and <prefix>/lib/lima, where Lima >= 2 finds the plugin `limactl logkeep`
# and reads its description; the program in <prefix>/libexec/limactl-logkeep/bin, where Lima
# does not look (it reads every limactl-* file on its plugin paths whole at each start); the
# drop-in wrapper <prefix>/libexec/limactl-logkeep/limactl, a link to the program that acts as
# `limactl-logkeep wrap` (put that directory first on PATH); completion scripts, README, LICENSE.
# It replaces every file of an earlier layout. On Windows (GOEXE .exe) the program is the plugin
# bin/limactl-logkeep.exe and the wrapper a copy, limactl.exe.
EXE := $(shell $(GO) env GOEXE)
install: build
	scripts/install.sh $(if $(EXE),--windows) $(BIN) "$(DESTDIR)$(PREFIX)"

# Removes every file `make install` (this version or an earlier one) put into $(DESTDIR)$(PREFIX).
uninstall:
	scripts/install.sh --uninstall "$(DESTDIR)$(PREFIX)"

# Release archives for the five platforms and their SHA256SUMS in _artifacts/ (scripts/dist.sh).
dist:
	VERSION="$(VERSION)" LDFLAGS="$(LDFLAGS)" TAGS=urfave_cli_no_docs GO="$(GO)" scripts/dist.sh

# Installs QEMU, builds the real Lima v2.2.0 and v1.2.1 (scripts/lima/) and the tiny guest, creates the test user (as root; cached).
setup:
	scripts/setup.sh

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	@! $(GO) list -deps ./cmd/limactl-logkeep | grep -Ex 'github.com/lima-vm/lima/pkg/.+|github.com/lima-vm/lima/v2/(pkg/(store|limatmpl|limayaml)|cmd)(/.+)?|github.com/spf13/cobra|github.com/goccy/go-yaml(/.+)?|github.com/mikefarah/yq/v4(/.+)?' || \
		{ echo "lint: the binary links Lima 1, Lima's store, its YAML stack or cobra (above); see limaadapter/doc.go" >&2; exit 1; }
	GO="$(GO)" scripts/rooms.sh
	@scripts/spdx.sh --check

# Builds, vets and compiles the tests for linux/amd64, linux/arm64, darwin/amd64, darwin/arm64
# and windows/amd64 (part of make test; nothing built for another platform is run here).
cross:
	scripts/cross.sh

test:
	scripts/test.sh all

unit:
	scripts/test.sh unit

e2e:
	scripts/test.sh e2e

reliability:
	scripts/test.sh reliability

# The unit tests under -cover as the test user: each package's coverage, failing under 85% (scripts/cover.sh).
cover:
	scripts/cover.sh

demo:
	scripts/demo.sh

bench:
	scripts/bench.sh

# Regenerates the command reference docs/limactl-logkeep.md from the CLI itself.
docs:
	$(GO) run ./cmd/limactl-logkeep gen-docs > docs/limactl-logkeep.md.tmp
	mv docs/limactl-logkeep.md.tmp docs/limactl-logkeep.md

# Fails when docs/ is not what `make docs` writes (the unit test TestReferenceDocsAreCurrent checks the same in CI).
.PHONY: docs-check
docs-check:
	@$(GO) run ./cmd/limactl-logkeep gen-docs | diff -u docs/limactl-logkeep.md - || { echo "docs/ is out of date: run make docs and commit it" >&2; exit 1; }

clean:
	rm -rf bin
