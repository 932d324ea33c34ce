// Package limaadapter is the only part of limactl-logkeep that knows Lima.
//
// It resolves LIMA_HOME and instance directories through Lima's own pkg/store (so
// names are validated exactly as limactl validates them), tells whether an instance
// exists, runs or is protected, parses limactl command lines the way limactl's own
// flag sets do, and finds and runs the real limactl.
//
// Lima's internal packages log through logrus' standard logger. Callers that must
// keep Lima's warnings off the user's terminal (for example "treating lima version
// ... as very latest release") silence that logger in main; this package never
// logs through it.
package limaadapter
