"""What the counter side and the department node share.

Departments, entry policy, tile layout, request signing, refusal codes, the witness wire format and
the node HTTP client. Imports only `app.ledger`.
"""
