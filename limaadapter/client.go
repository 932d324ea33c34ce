// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import "context"

// Client is Lima as limactl-logkeep uses it: its files for inspecting instances
// (Inspector) and the real limactl, Inspector.Limactl, for everything that
// changes them. Run and Exec need Limactl.Path set.
type Client struct {
	Inspector
}

// Run runs the real limactl with args and returns its exit status; see Limactl.Run.
func (c Client) Run(ctx context.Context, args ...string) (int, error) {
	return c.Limactl.Run(ctx, args...)
}

// Exec replaces the process with the real limactl; it returns only on failure.
func (c Client) Exec(args ...string) error {
	return c.Limactl.Exec(args...)
}
