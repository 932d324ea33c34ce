// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"limactl-logkeep/limaadapter"
)

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash or zsh)",
		ArgsUsage: "bash|zsh",
		Description: `Prints a script that completes limactl-logkeep's commands, flags and instance names
(from LIMA_HOME, and from the logs directory for preserved, collect and prune).

Examples:
   source <(limactl-logkeep completion bash)              # in ~/.bashrc
   limactl-logkeep completion zsh > "${fpath[1]}/_limactl-logkeep"`,
		BashComplete: func(c *cli.Context) { fmt.Println("bash\nzsh") },
		Action: func(c *cli.Context) error {
			args, ok, err := positionalArgs(c)
			if !ok || err != nil {
				return err
			}
			switch strings.Join(args, " ") {
			case "bash":
				fmt.Print(bashCompletion)
			case "zsh":
				fmt.Print(zshCompletion)
			default:
				return cli.Exit("completion: name a shell: bash or zsh (see --help)", 2)
			}
			return nil
		},
	}
}

// The scripts ask limactl-logkeep itself what to complete: urfave/cli prints the
// candidates when the last argument is --generate-bash-completion. The word being
// completed is always passed before it (empty or not), so the completer knows
// which word is the current one and which the one before.
const bashCompletion = `# bash completion for limactl-logkeep; load it with:
#   source <(limactl-logkeep completion bash)
_limactl_logkeep() {
	local cur=${COMP_WORDS[COMP_CWORD]} word
	local -a words=("${COMP_WORDS[@]:0:COMP_CWORD}")
	COMPREPLY=()
	for word in "${words[@]}"; do
		# After "--" urfave/cli would run the command instead of completing it.
		[[ $word == -- ]] && return 0
	done
	local candidates IFS=$'\n'
	candidates=$("${words[@]}" "${cur/#--/-}" --generate-bash-completion 2>/dev/null)
	COMPREPLY=($(compgen -W "$candidates" -- "$cur"))
}
complete -o bashdefault -o default -F _limactl_logkeep limactl-logkeep
`

const zshCompletion = `#compdef limactl-logkeep
# zsh completion for limactl-logkeep; put it in a directory of $fpath as
# _limactl-logkeep, or load it with: source <(limactl-logkeep completion zsh)
_limactl_logkeep() {
	local -a candidates
	local cur=${words[CURRENT]}
	# After "--" urfave/cli would run the command instead of completing it.
	if (( ${words[(I)--]} && ${words[(I)--]} < CURRENT )); then
		_files
		return
	fi
	candidates=("${(@f)$(${words[1,CURRENT-1]} "${cur/#--/-}" --generate-bash-completion 2>/dev/null)}")
	candidates=(${candidates:#})
	if (( ${#candidates} )); then
		compadd -a candidates
	else
		_files
	fi
}
if (( $+functions[compdef] )); then
	compdef _limactl_logkeep limactl-logkeep
fi
`

// instanceCommands take instance names as arguments.
var instanceCommands = map[string]bool{"start": true, "restart": true, "delete": true, "factory-reset": true, "rotate": true}

// completeInstanceArgs lets each of cmds that takes instance names
// (instanceCommands) and has no completion of its own complete them.
func completeInstanceArgs(cmds []*cli.Command) {
	for _, cmd := range cmds {
		if cmd.BashComplete == nil && instanceCommands[cmd.Name] {
			cmd.BashComplete = completeInstances(false)
		}
	}
}

// completeInstances completes a command's arguments: its flags for a word starting
// with "-", Lima's log names after --file, else instance names from LIMA_HOME,
// plus those with preserved sets when withPreserved.
func completeInstances(withPreserved bool) cli.BashCompleteFunc {
	return func(c *cli.Context) {
		n := len(os.Args) // ... PREVIOUS CURRENT --generate-bash-completion
		if n >= 2 && strings.HasPrefix(os.Args[n-2], "-") {
			cli.DefaultCompleteWithFlags(c.Command)(c)
			return
		}
		if n >= 3 && os.Args[n-3] == "--file" {
			fmt.Println(strings.Join(limaadapter.LogBases(), "\n"))
			return
		}
		names, _ := limaadapter.InstanceNames()
		if withPreserved {
			if store, err := newStore(c); err == nil {
				if sets, err := store.Sets(nil); err == nil {
					for _, s := range sets {
						names = append(names, s.Instance)
					}
				}
			}
			slices.Sort(names)
			names = slices.Compact(names)
		}
		for _, name := range names {
			fmt.Println(name)
		}
	}
}
