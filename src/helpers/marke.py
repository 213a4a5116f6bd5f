"""The "Beispieldaten" mark on every figure and table while the data are synthetic.

``bericht.yml: beispieldaten: true`` makes :func:`helpers.setup` switch the mark on for the
notebook's kernel: each matplotlib figure gets the word under its lower right corner when it
is rendered to PNG, and each Markdown table a note line below it. It works at display
time, so no chart or table helper has to remember it, and it goes away with
``beispieldaten: false`` without touching a notebook.
"""

from __future__ import annotations

TEXT = "Beispieldaten"
NOTIZ = f"*{TEXT}: synthetische Werte, keine Angaben über die tatsächliche Lage.*"
FARBE = "#595959"  # 7:1 contrast on white (WCAG AAA for small text)


def figur(fig) -> None:
    """Put the mark below the figure's lower right corner (once): outside the axes, so it never
    covers data; ``bbox_inches="tight"`` widens the PNG to include it."""
    if getattr(fig, "_beispieldaten", False):
        return
    fig.text(0.995, -0.005, TEXT, ha="right", va="top", fontsize=7.5, color=FARBE, style="italic")
    fig._beispieldaten = True


def tabelle(markdown: str) -> str:
    """``markdown`` with the note line below a pipe table (unchanged if it holds no table)."""
    text = markdown.rstrip()
    zeilen = text.splitlines()
    if not any(z.lstrip().startswith("|") for z in zeilen) or NOTIZ in text:
        return markdown
    return f"{text}\n\n{NOTIZ}\n"


def einschalten(ip) -> None:
    """Register the table mark in the IPython kernel ``ip``; figures get :func:`figur` from the
    figure formatter of :func:`helpers.setup`."""
    from IPython.display import Markdown

    ip.display_formatter.formatters["text/markdown"].for_type(Markdown, lambda md: tabelle(md.data))
