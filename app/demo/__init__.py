"""The demo and scenario harness: a local federation of the 11 department nodes with invented offices and citizens.

Not part of the domain. It may import every `app` package (it starts nodes and drives offices the
way a user would); nothing in `app` except `app.cli` imports it.
"""
