// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"io"

	"github.com/docker/go-units"
	"github.com/urfave/cli/v2"
)

// How values are shown: sizes, times, counts and JSON.

// humanSize formats a byte count as `limactl list` shows disk sizes: "512B", "1.5KiB", "3.25MiB".
func humanSize(n int64) string { return units.BytesSize(float64(n)) }

// timeFormat is how tables show times, in the local time zone.
const timeFormat = "2006-01-02 15:04:05"

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// printJSON writes v indented, with an empty array rather than null.
func printJSON[T any](w io.Writer, v []T) error {
	if v == nil {
		v = []T{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// jsonFlag is the --json flag of boots and preserved.
func jsonFlag() cli.Flag {
	return &cli.BoolFlag{Name: "json", Usage: "print a JSON array (fields below) instead of a table"}
}
