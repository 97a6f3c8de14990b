"""Development tools shared by the tests and the benchmarks (never shipped: not part of the `app` package)."""
