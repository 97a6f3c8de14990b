"""The service hall: the day's tickets and windows, calling, the kiosk and the wall display (docs/hall.md)."""
