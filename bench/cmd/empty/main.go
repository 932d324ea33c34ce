// Command empty is the empty Go program whose start-up limactl-logkeep --version is compared with.
package main

func main() {}
