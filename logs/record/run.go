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
		for i := range fields {
			fields[i] = nil
		}
		sink.Begin()
		line, err := src.Next(fields)
		if err == io.EOF {
			break
		}
		var re *Error
		if errors.As(err, &re) {
			if err := sink.SkipRecord(re.Line, re.Msg); err != nil {
				return err
			}
			if !re.Keep {
				continue
			}
			err, line = nil, re.Line
		}
		if err != nil {
			if ferr := sink.Flush(); ferr != nil {
				return ferr
			}
			return sink.SkipRecord(line, err.Error())
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
