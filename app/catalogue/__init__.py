"""The service catalogue: which services exist, their steps and deadlines, as published on the ledger.

With it the domain rules that go with it: the certificate types (`cert_types`), the case workflow,
department logs and the working-day calendar. Sits below `app/store`, `app/sync` and `app/services`
so all of them can read it; imports only `app.ledger` and `app.protocol`.
"""
