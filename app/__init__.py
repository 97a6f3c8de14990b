"""govdesk's headless domain: everything that works without a screen. Never imports Qt."""
