"""The supervisor's daily review: the day at a glance, anomalies, integrity, sign-off and reports.

    review = open_day(replica, "2026-05-20")          # supervisors and admins
    review.timeline(clerk="li.na"); review.figures; review.anomalies; review.integrity
    sign_day(replica, review, {a.id: "comment" for a in review.anomalies})   # supervisors, once a day
    refused_entries(replica); set_aside(replica, leaf_hash)                  # node-refused outbox entries
    write_pdf(review, path, language="zh_CN"); write_csv(review.timeline(), path)

Docs: docs/review.md. Nothing here imports Qt; the screens are ui/review_*.py.
"""

from app.review.anomalies import KINDS, Anomaly
from app.review.errors import AlreadySigned, NotAcknowledged, NotRefused, ReviewError, UnsafeExportPath
from app.review.refused import RefusedEntry, refused_entries, set_aside
from app.review.review import DayReview, compare, filter_actions, open_day, open_period, sign_day, signer_names
from app.review.signoff import SignOff, signoff_problems
from app.review.thresholds import ReviewThresholds, load_thresholds, save_thresholds

__all__ = [
    "KINDS",
    "AlreadySigned",
    "Anomaly",
    "DayReview",
    "NotAcknowledged",
    "NotRefused",
    "RefusedEntry",
    "ReviewError",
    "ReviewThresholds",
    "SignOff",
    "UnsafeExportPath",
    "compare",
    "filter_actions",
    "load_thresholds",
    "open_day",
    "open_period",
    "refused_entries",
    "save_thresholds",
    "set_aside",
    "sign_day",
    "signer_names",
    "signoff_problems",
]
