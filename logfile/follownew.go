package logfile

import (
	"context"
	"io"
	"time"
)

// FollowNew is Follow for data written from now on, like `tail -F -n 0`: the content
// the log already has when FollowNew is called is skipped; a file that replaces it
// later (Lima removes serial.log and QEMU creates it again at start) is written
// whole, and so is a file that does not exist yet. opts.Lines is ignored. It ends
// like Follow, after a final drain, when ctx is done or opts.StopWhen returns true.
// opts.StopWhen is first called after the existing content has been skipped, so a
// caller can learn from that first call that writes from then on will be seen.
func FollowNew(ctx context.Context, path string, w io.Writer, opts FollowOptions) error {
	poll := opts.Poll
	if poll <= 0 {
		poll = 250 * time.Millisecond
	}
	fl := &follower{path: path, w: w, buf: make([]byte, 32<<10)}
	defer fl.close()
	if err := fl.open(0); err != nil {
		return err
	}
	if fl.file != nil {
		fl.off = fl.info.Size()
	}
	timer := time.NewTimer(poll)
	defer timer.Stop()
	for {
		stopping := ctx.Err() != nil || (opts.StopWhen != nil && opts.StopWhen())
		if err := fl.step(0); err != nil {
			return err
		}
		if stopping {
			return nil
		}
		timer.Reset(poll)
		select {
		case <-ctx.Done():
		case <-timer.C:
		}
	}
}
