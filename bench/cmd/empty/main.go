// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

// Command empty is the empty Go program whose start-up limactl-logkeep --version is compared with.
package main

func main() {}
