"""The service catalogue: which services exist, their steps and deadlines, as published on the ledger.

Sits below `app/store`, `app/sync` and `app/services` so all of them can read it; imports only
`app.ledger`, `app.protocol` and `app.certs.cert_types`.
"""
