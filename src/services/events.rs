//! Streaming events: one tailer per process reads new stream events and broadcasts them to the connections of this process.
