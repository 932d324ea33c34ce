package limaadapter

import "context"

// Client is Lima as limactl-logkeep uses it: its files for inspecting instances
// and the real limactl for everything that changes them.
type Client struct {
	Limactl Limactl
	// FindLimactl, when set and Limactl.Path is empty, finds limactl for Inspect's
	// fallback status query (see Inspector.FindLimactl).
	FindLimactl func() (string, error)
}

// Inspect returns the instance name; see Inspector.Inspect.
func (c Client) Inspect(ctx context.Context, name string) (Instance, error) {
	return Inspector{Limactl: c.Limactl, FindLimactl: c.FindLimactl}.Inspect(ctx, name)
}

// Run runs the real limactl with args and returns its exit status; see Limactl.Run.
func (c Client) Run(ctx context.Context, args ...string) (int, error) {
	return c.Limactl.Run(ctx, args...)
}

// Exec replaces the process with the real limactl; it returns only on failure,
// with status 0 and the error.
func (c Client) Exec(args ...string) (int, error) {
	return 0, c.Limactl.Exec(args...)
}
