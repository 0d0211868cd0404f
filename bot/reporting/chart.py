"""The trend chart attached to the weekly post: the main figures over the last weeks, as a
small PNG that reads well in a Slack message."""

from __future__ import annotations

import io

from bot.reporting.goals import Number

# (title, [(figure name, line label)], y axis is a percentage)
PANELS = (
    ("FAQ queries", [("faq_queries", "queries")], False),
    ("Cases and third contacts", [("cases_opened", "cases"), ("third_contacts", "third")], False),
    ("FAQ answer rate", [("faq_answer_rate", "answered")], True),
    ("Promises kept on time", [("promises_kept_pct", "kept")], True),
)


def trend_chart(trends: list[tuple[str, dict[str, Number | None]]]) -> bytes:
    """A PNG of `summary.trends(...)`: one small panel per main figure, the weeks along the
    bottom; a week without data leaves a gap in the line."""
    # Imported when a chart is drawn, once a week: matplotlib takes a third of a second to
    # import, which every start of repbot (run, check, any command) paid before.
    import matplotlib

    matplotlib.use("Agg")  # no display: the bot renders to bytes, in any thread
    from matplotlib.figure import Figure  # the backend must be chosen first

    weeks = [label.split("-")[-1] for label, _ in trends]  # "W47": the year only crowds it
    # matplotlib.figure.Figure, not pyplot: no global state, so threads cannot interfere.
    chart = Figure(figsize=(8, 5), dpi=100)
    axes = chart.subplots(2, 2)
    # Fixed margins, wide enough for six-digit counts: matplotlib's constrained layout fits
    # them to the labels, but drew the chart twice to do it, half a second a chart.
    chart.subplots_adjust(left=0.08, right=0.98, bottom=0.06, top=0.88, wspace=0.2, hspace=0.38)
    for ax, (title, lines, percent) in zip(axes.flat, PANELS, strict=True):
        highest = 0.0
        for name, label in lines:
            values = [figures.get(name) for _, figures in trends]
            highest = max([highest, *(v for v in values if v is not None)])
            ax.plot(
                weeks, [float("nan") if v is None else v for v in values], marker="o", label=label
            )
        ax.set_title(title, fontsize=10)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
        # From zero, so that a small wobble does not look like a collapse; room above the top.
        ax.set_ylim(0, 105 if percent else max(highest * 1.15, 1))
        if len(lines) > 1:
            ax.legend(fontsize=8)
    if trends:
        chart.suptitle(f"Trends to {trends[-1][0]}", fontsize=11)
    out = io.BytesIO()
    chart.savefig(out, format="png")
    return out.getvalue()
