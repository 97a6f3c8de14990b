"""The department node: sequences one department's log, serves it as tlog-tiles, witnesses the others."""
