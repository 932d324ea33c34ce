// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build !linux

package logfile

import "errors"

func setImmutable(string, bool) error {
	return errors.New("the immutable attribute is only set on Linux by these tests")
}
