// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package hooks

import (
	"context"

	"limactl-logkeep/limaadapter"
)

// StartAtLoginHint runs a `limactl start-at-login` or `limactl autostart` line
// unchanged, after one line on stderr saying how to keep the service manager's
// boots of the instance, when the line registers it to start at login
// (limaadapter.ParseStartAtLogin) and they are not kept already.
func (h Hooks) StartAtLoginHint(_ context.Context, inv limaadapter.Invocation) (int, error) {
	if line, ok := limaadapter.ParseStartAtLogin(inv); ok && line.Registers {
		manager, err := CurrentServiceManager()
		if err == nil {
			st, err := h.ServiceBootsStatus(line.Instance, ServiceBoots{Manager: manager})
			if err == nil && !st.Present {
				h.Log.WithField("instance", line.Instance).Infof("The service manager's boots will delete the instance's logs "+
					"(Hint: to keep every boot, run limactl logkeep start-at-login %s)", line.Instance)
			}
		}
	}
	return h.handOver(inv.Argv()...)
}
