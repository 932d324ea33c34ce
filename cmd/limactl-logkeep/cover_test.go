// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import "flag"

// coverEnv returns GOCOVERDIR set to this test's coverage directory when the tests run under
// -cover, and nothing otherwise. Each limactl-logkeep this test binary runs as (see TestMain)
// then adds its counters to the package's coverage, instead of printing "warning: GOCOVERDIR
// not set" on its stderr (which the tests compare).
func coverEnv() []string {
	if f := flag.Lookup("test.gocoverdir"); f != nil && f.Value.String() != "" {
		return []string{"GOCOVERDIR=" + f.Value.String()}
	}
	return nil
}
