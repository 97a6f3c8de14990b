"""The day's PDF report in Chinese (the default) or English, with the CJK font embedded (subset) so the
Chinese text is real text: figures, charts (drawn as vector bars), anomalies, acknowledgements, sign-off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fpdf import FPDF

from app.review.exports import check_target, write_bytes
from app.review.figures import Figures
from app.review.review import DayReview
from app.review.texts import LABELS, anomaly_name, label, problem_text, result_name, service_names
from app.store.errors import StoreError

FONT_FILES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
)
FONT_SC_INDEX = 2  # "Noto Sans CJK SC" in the Debian collection (fonts-noto-cjk)
FAMILY = "NotoSansSC"
CHART_COLOURS = ((54, 110, 180), (220, 120, 40), (70, 160, 90), (190, 60, 60), (130, 90, 170), (120, 120, 120))


# The comparison's figure keys and the label that names each.
COMPARE_LABELS = {"outbox_pending": "pending", "outbox_set_aside": "set_aside"}
LABEL_NAMES = frozenset(LABELS)


class FontMissing(StoreError):
    """No CJK font is installed (Debian package fonts-noto-cjk)."""


def find_font() -> Path:
    """Return the installed Noto Sans CJK collection, or raise FontMissing."""
    for path in FONT_FILES:
        if path.is_file():
            return path
    raise FontMissing("install the Debian package fonts-noto-cjk: the PDF report embeds its Chinese font")


def _minutes(ms: int | None) -> str:
    return "—" if ms is None else f"{ms / 60000:.1f}"


class _Report(FPDF):
    def __init__(self, language: str, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.language = language
        self.footer_text = footer_text
        self.add_font(FAMILY, "", str(find_font()), collection_font_number=FONT_SC_INDEX)
        self.set_font(FAMILY, size=10)
        self.set_auto_page_break(auto=True, margin=15)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=7)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}", align="C")

    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font(FAMILY, size=13)
        self.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FAMILY, size=9)

    def para(self, text: str) -> None:
        self.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")

    def fitted(self, text: str, width: float, size: float, smallest: float = 5.0) -> str:
        """Set the largest font size down to `smallest` at which `text` fits `width`; cut it with '…' if even that
        is too wide (a cell never overprints the next one)."""
        while size > smallest and self.get_string_width(text) > width:
            size -= 0.5
            self.set_font(FAMILY, size=size)
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text + "…"

    def table(self, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
        self.set_fill_color(230, 236, 245)
        for text, width in zip(header, widths, strict=True):
            self.set_font(FAMILY, size=7.5)
            self.cell(width, 6, self.fitted(text, width - 1.0, 7.5), border=1, fill=True, align="C")
        self.ln()
        for row in rows:
            if self.get_y() > self.h - 25:
                self.add_page()
            for text, width in zip(row, widths, strict=True):
                self.set_font(FAMILY, size=7.5)
                self.cell(width, 5.5, self.fitted(text, width - 1.0, 7.5, smallest=6.0), border=1)
            self.ln()
        self.set_font(FAMILY, size=9)

    def bar_chart(self, series: dict[str, list[int]], labels: list[str], height: float = 45) -> None:
        """Stacked bars, one per label, one colour per series, with a legend."""
        if self.get_y() + height + 20 > self.h - 15:
            self.add_page()
        x0, y0 = self.l_margin + 8, self.get_y() + 2
        width = self.w - self.l_margin - self.r_margin - 10
        totals = [sum(s[i] for s in series.values()) for i in range(len(labels))]
        peak = max(totals or [0]) or 1
        step = width / max(1, len(labels))
        self.set_font(FAMILY, size=6)
        self.set_draw_color(150, 150, 150)
        self.line(x0, y0 + height, x0 + width, y0 + height)
        self.text(self.l_margin, y0 + 3, str(peak))
        for i, name in enumerate(labels):
            base = y0 + height
            for k, values in enumerate(series.values()):
                h = height * values[i] / peak
                if h > 0:
                    self.set_fill_color(*CHART_COLOURS[k % len(CHART_COLOURS)])
                    self.rect(x0 + i * step + step * 0.15, base - h, step * 0.7, h, style="F")
                    base -= h
            self.text(x0 + i * step + step * 0.2, y0 + height + 3.5, self.fitted(name, step * 0.9, 6))
            self.set_font(FAMILY, size=6)
        self.set_y(y0 + height + 6)
        for k, name in enumerate(series):
            self.set_fill_color(*CHART_COLOURS[k % len(CHART_COLOURS)])
            self.rect(self.get_x(), self.get_y() + 1, 3, 3, style="F")
            self.set_x(self.get_x() + 4)
            self.cell(self.get_string_width(name[:40]) + 6, 5, name[:40])
            if self.get_x() > self.w - 50:
                self.ln()
        self.ln(7)
        self.set_font(FAMILY, size=9)


def _figure_row(name: str, f: Figures) -> list[str]:
    return [name, str(f.actions), str(f.opened), str(f.advanced), str(f.closed), str(f.rejected),
            _minutes(f.median_handling_ms), _minutes(f.p90_handling_ms), str(sum(f.verdicts.values())),
            str(f.refusals), _minutes(f.offline_ms), str(f.outbox_pending), str(f.outbox_set_aside)]  # fmt: skip


def render_pdf(
    review: DayReview,
    *,
    language: str = "zh_CN",
    comparison: dict[str, dict[str, float]] | None = None,
    comments: dict[str, str] | None = None,
    generated_ms: int | None = None,
) -> bytes:
    """Return the review's PDF report as bytes."""
    lang = language
    period = review.period
    when = generated_ms if generated_ms is not None else period.now_ms
    stamp = datetime.fromtimestamp(when / 1000, UTC) + timedelta(minutes=period.thresholds.utc_offset_minutes)
    pdf = _Report(lang, f"{review.office} · {review.day}")
    pdf.set_title(f"{label('title', lang)} {review.office} {review.day}")
    pdf.add_page()
    pdf.set_font(FAMILY, size=16)
    pdf.cell(0, 10, label("title", lang), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=10)
    pdf.para(f"{label('office', lang)}: {review.office}")
    pdf.para(f"{label('day', lang)}: {review.day}    {label('generated', lang)}: {stamp:%Y-%m-%d %H:%M}")

    f = review.figures
    names = {**service_names(lang), "(none)": label("no_service", lang)}
    header = [label(k, lang) for k in ("name", "actions", "opened", "advanced", "closed", "rejected", "median",
                                       "p90", "verdicts", "refusals", "offline", "pending", "set_aside")]  # fmt: skip
    widths = [40.0] + [12.5] * 12
    pdf.heading(label("figures", lang))
    pdf.table(header, [_figure_row(review.office, f.office)], widths)
    pdf.para(label("offline_note", lang))
    pdf.heading(label("by_clerk", lang))
    pdf.table(header, [_figure_row(k, v) for k, v in sorted(f.by_clerk.items())], widths)
    pdf.heading(label("by_service", lang))
    pdf.table(header, [_figure_row(names.get(k, k), v) for k, v in sorted(f.by_service.items())], widths)
    if comparison:
        pdf.heading(label("compare", lang))
        keys = list(next(iter(comparison.values())).keys())
        rows = [[label(f"period_{name}", lang), *(f"{values.get(k, 0):g}" for k in keys)]
                for name, values in comparison.items()]  # fmt: skip
        named = [COMPARE_LABELS.get(k, k) for k in keys]
        headers = [label(n, lang) if n in LABEL_NAMES else n for n in named]
        pdf.table(["", *headers], rows, [34.0] + [(pdf.w - 54) / len(keys)] * len(keys))

    pdf.heading(label("hourly", lang))
    busiest = sorted(f.hourly_by_service.items(), key=lambda kv: -sum(kv[1]))
    series = {names.get(k, k): v for k, v in busiest[:5]}
    if len(busiest) > 5:
        series["…"] = [sum(v[i] for _, v in busiest[5:]) for i in range(24)]
    hours = [h for h in range(24) if any(v[h] for v in series.values())] or list(range(8, 19))
    pdf.bar_chart({k: [v[h] for h in hours] for k, v in series.items()}, [f"{h:02d}" for h in hours])
    pdf.heading(label("verdict_mix", lang))
    mix = f.verdict_mix or {"VALID": 0}
    pdf.bar_chart({label("verdicts", lang): list(mix.values())}, [result_name(k, lang) for k in mix], height=30)

    pdf.heading(label("anomalies", lang))
    acks = {a["anomaly"]: a["comment"] for a in review.signoff.acknowledgements} if review.signoff else {}
    acks.update(comments or {})
    if not review.anomalies:
        pdf.para(label("no_anomalies", lang))
    for i, anomaly in enumerate(review.anomalies, 1):
        pdf.para(f"{i}. [{anomaly_name(anomaly.kind, lang)}] {anomaly.explanation(lang)}")
        if anomaly.id in acks:
            pdf.para(f"    {label('acknowledgement', lang)}: {acks[anomaly.id]}")

    pdf.heading(label("integrity", lang))
    integ = review.integrity
    chain = integ.chain
    chain_bad = label("chain_bad", lang, problem=problem_text(chain.problem, lang))
    pdf.para(label("chain_ok", lang, n=chain.records) if chain.ok else chain_bad)
    pdf.para(label("checkpoints_ok", lang, n=integ.checkpoints))
    pdf.para(label("entries_state", lang, included=integ.included, pending=len(integ.pending)))
    for problem in integ.problems:
        pdf.para(f"• {problem_text(problem, lang)}")

    pdf.heading(label("signature", lang))
    s = review.signoff
    if s is None:
        pdf.para(label("not_signed", lang))
    else:
        at = datetime.fromtimestamp(s.at_ms / 1000, UTC) + timedelta(minutes=period.thresholds.utc_offset_minutes)
        pdf.para(f"{label('signed_by', lang)}: {s.account}    {label('signed_at', lang)}: {at:%Y-%m-%d %H:%M}")
        pdf.para(f"{label('entry', lang)}: {s.leaf_hash.hex()} ({s.origin})")
        pdf.para(f"{label('audit_head', lang)}: #{s.audit_seq} {s.audit_head.hex()}")
    return bytes(pdf.output())


def write_pdf(review: DayReview, target: str | Path, *, language: str = "zh_CN", **options: object) -> Path:
    """Render the PDF report and write it exactly at `target` (atomically); return the path written."""
    path = check_target(target)
    write_bytes(path, render_pdf(review, language=language, **options))
    return path
