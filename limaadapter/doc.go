// Package limaadapter is the only part of limactl-logkeep that knows Lima.
//
// It resolves LIMA_HOME, instance directories and file names with Lima's own
// pkg/store/dirnames and pkg/store/filenames, and validates names with the rules
// of Lima's store.ValidateInstName, so paths and names are exactly limactl's. It
// tells whether an instance exists, runs or is protected from the files Lima's
// store reads (lima.yaml, protected, ha.pid and the driver's pid file), asking
// the real limactl (`limactl list --json`) whenever those leave a doubt; it
// parses limactl command lines the way limactl's own flag sets do, and finds and
// runs the real limactl.
//
// It deliberately does not import pkg/store itself, pkg/limatmpl or anything that
// links Lima's YAML stack: Go runs the initialisation of every linked package on
// every start, and those packages would make each limactl-logkeep command, even a
// pass-through one, pay for them (see bench/FINDINGS.md). The few rules taken from
// them (name validation, the name of an instance made from a template, the
// instance list, the flags of `limactl start`) are held to Lima's functions by
// this package's tests, and
// `make lint` fails if the binary links them again.
package limaadapter
