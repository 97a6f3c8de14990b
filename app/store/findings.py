"""A problem a check found: its English sentence, for the command line, logs and JSON, carrying a stable code and the
parameters another language needs. The review words each code in zh_CN and en (app/review/texts.py)."""

from __future__ import annotations


class Finding(str):
    """A check's finding: a `str` (its English sentence) with `code` and `params` for the reader's language."""

    code: str
    params: dict[str, str]

    def __new__(cls, code: str, text: str, **params: object) -> Finding:
        """A finding of `code` whose English sentence is `text`; `params` fill the sentence in other languages."""
        finding = super().__new__(cls, text)
        finding.code = code
        finding.params = {name: str(value) for name, value in params.items()}
        return finding

    def __reduce__(self) -> tuple:
        """Pickle (and copy) as a finding, code and parameters kept."""
        return (_rebuild, (self.code, str(self), self.params))


def _rebuild(code: str, text: str, params: dict[str, str]) -> Finding:
    return Finding(code, text, **params)
