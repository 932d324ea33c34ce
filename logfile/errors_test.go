// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"errors"
	"io/fs"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Joined errors are one line, and each stays visible to errors.Is and errors.As.
func TestJoinErrorsIsOneLine(t *testing.T) {
	assert.NoError(t, JoinErrors())
	assert.NoError(t, JoinErrors(nil, nil))
	first := &FileError{Op: "rename", Path: "/d/serial.log", Err: syscall.ENOSPC}
	second := errors.New("second")
	err := JoinErrors(first, nil, second)
	assert.EqualError(t, err, "rename /d/serial.log: no space left on device; second")
	assert.ErrorIs(t, err, syscall.ENOSPC)
	assert.ErrorIs(t, err, second)
	var fe *FileError
	assert.ErrorAs(t, err, &fe)
	one := JoinErrors(fs.ErrNotExist)
	assert.EqualError(t, one, fs.ErrNotExist.Error())
	var joined interface{ Unwrap() []error }
	assert.ErrorAs(t, one, &joined, "one error is joined too, as errors.Join does")
}
