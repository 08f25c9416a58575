package record

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
)

// Run reads every record of src into sink, reporting skipped records, and
// flushes the sink. It stops early when ctx is cancelled or emit fails.
func Run(ctx context.Context, src Source, sink *Sink) error {
	fields := make([][]byte, len(src.Columns()))
	var n int64
	for {
		if n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		n++
		clear(fields)
		sink.Begin()
		line, err := src.Next(fields)
		if err == io.EOF {
			break
		}
		if err != nil {
			keep, ferr := handleErr(sink, err, line)
			if ferr != nil || !keep {
				if ferr == errStop {
					return sink.Flush()
				}
				if ferr != nil {
					return ferr
				}
				continue
			}
		}
		if sink.stats != nil {
			atomic.AddInt64(&sink.stats.Rows, 1)
		}
		if err := sink.Add(fields, line); err != nil {
			return err
		}
	}
	return sink.Flush()
}

var errStop = errors.New("stop")

// handleErr deals with a Source error: a per-record *Error is reported
// (and the record kept when Error.Keep); any other error ends the file
// after being reported with its line. It returns errStop for that case.
func handleErr(sink *Sink, err error, line int64) (keep bool, _ error) {
	var re *Error
	if errors.As(err, &re) {
		if err := sink.SkipRecord(re.Line, re.Msg); err != nil {
			return false, err
		}
		return re.Keep, nil
	}
	if err := sink.SkipRecord(line, err.Error()); err != nil {
		return false, err
	}
	return false, errStop
}
