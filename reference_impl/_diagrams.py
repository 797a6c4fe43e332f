"""Drawing helpers shared by the book's pages (not part of the library's API).

Every figure in the book is drawn by the page that shows it; this module
holds only the pieces several pages reuse (boxes, arrows, the unrolled RNN
chain) and a fixed Matplotlib style, so that re-running a page draws the
same picture on any machine. It ships with the library, so that a chapter
opened alone (on Colab, or downloaded) draws its figures with the library
installed: ``from reference_impl import _diagrams as diagrams``. The leading
underscore keeps it out of the API reference; it needs Matplotlib
(``pip install 'sequence-models-course[chapters]'``), which the NumPy
reference itself does not.
"""
import warnings

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

# One palette for the whole book: inputs, hidden states, outputs, gradients.
COLORS = {
    "input": "#d8e8f5",
    "hidden": "#fde3b0",
    "output": "#d9f0d3",
    "gradient": "#c0392b",
    "edge": "#333333",
    "muted": "#9a9a9a",
}

STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.family": "DejaVu Sans",
    "font.size": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "svg.hashsalt": "sequence-models-course",
    # Labels stay text in the SVG: sharp at any zoom, found by the browser's
    # find-in-page, and measurable by the website's legibility test.
    "svg.fonttype": "none",
    "path.simplify": True,
}


def use_book_style():
    """Apply the book's fixed Matplotlib settings (called on import).

    In a notebook, figures are shown as SVG (sharp on high-density screens and
    when a reader opens them full screen on a phone) with no creation date, so
    that re-running a page gives the same output."""
    plt.rcParams.update(STYLE)
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return
    if get_ipython() is not None:
        set_matplotlib_formats("svg", metadata={"Date": None})


use_book_style()


def blank_axes(ax, xlim, ylim):
    """Turn ``ax`` into a drawing canvas with equal units and no frame."""
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def box(ax, center, text, kind="hidden", width=0.9, height=0.6, fontsize=11):
    """A rounded, labelled box centred at ``center``; ``kind`` picks its colour."""
    x, y = center
    patch = FancyBboxPatch(
        (x - width / 2, y - height / 2),
        width,
        height,
        boxstyle="round,pad=0.02,rounding_size=0.08",
        facecolor=COLORS[kind],
        edgecolor=COLORS["edge"],
        linewidth=1.2,
    )
    ax.add_patch(patch)
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)
    return patch


def arrow(ax, start, end, color=None, style="-|>", linestyle="-", connection="arc3", label=None, label_offset=(0, 0.12)):
    """An arrow from ``start`` to ``end`` (data coordinates) with an optional label at its middle."""
    patch = FancyArrowPatch(
        start,
        end,
        arrowstyle=style,
        mutation_scale=12,
        color=color or COLORS["edge"],
        linewidth=1.2,
        linestyle=linestyle,
        connectionstyle=connection,
        shrinkA=0,
        shrinkB=0,
    )
    ax.add_patch(patch)
    if label:
        mx, my = (start[0] + end[0]) / 2 + label_offset[0], (start[1] + end[1]) / 2 + label_offset[1]
        ax.text(mx, my, label, ha="center", va="bottom", fontsize=9, color=color or COLORS["edge"])
    return patch


def rnn_chain(ax, inputs, outputs, hidden=None, feedback=False, backward=False, a0="$a^{<0>}$", step=1.6, title=None):
    """Draw an RNN unrolled over len(inputs) steps.

    Arguments:
    ax -- Matplotlib axes to draw on
    inputs -- one label per step for x<t>, or None where the step has no input
    outputs -- one label per step for the prediction, or None where the step has no output
    hidden -- one label per step for the hidden box (default a<t>)
    feedback -- draw a dashed arrow from each output to the next step's input (generation)
    backward -- also draw the gradient flow in red, right to left and top to bottom
    a0 -- label of the initial state, or None to leave it out
    step -- horizontal distance between steps
    title -- optional title above the drawing

    Returns:
    ax
    """
    T = len(inputs)
    if len(outputs) != T:
        raise ValueError(f"inputs and outputs must have one entry per step, got {T} and {len(outputs)}")
    hidden = hidden or [f"$a^{{<{t + 1}>}}$" for t in range(T)]
    left = -step if a0 else -0.6
    blank_axes(ax, (left - 0.2, (T - 1) * step + 0.8), (-0.55, 2.55 if title is None else 2.9))
    y_in, y_hid, y_out = 0.0, 1.0, 2.0
    grad = COLORS["gradient"]
    if a0:
        ax.text(-step, y_hid, a0, ha="center", va="center", fontsize=11)
        arrow(ax, (-step + 0.35, y_hid), (-0.45, y_hid))
    for t in range(T):
        x = t * step
        box(ax, (x, y_hid), hidden[t], "hidden")
        if inputs[t] is not None:
            box(ax, (x, y_in), inputs[t], "input", height=0.5)
            arrow(ax, (x, y_in + 0.25), (x, y_hid - 0.3))
            if backward:
                arrow(ax, (x + 0.18, y_hid - 0.3), (x + 0.18, y_in + 0.25), color=grad)
        if outputs[t] is not None:
            box(ax, (x, y_out), outputs[t], "output", height=0.5)
            arrow(ax, (x, y_hid + 0.3), (x, y_out - 0.25))
            if backward:
                arrow(ax, (x + 0.18, y_out - 0.25), (x + 0.18, y_hid + 0.3), color=grad)
        if t + 1 < T:
            arrow(ax, (x + 0.45, y_hid + 0.08), (x + step - 0.45, y_hid + 0.08))
            if backward:
                arrow(ax, (x + step - 0.45, y_hid - 0.12), (x + 0.45, y_hid - 0.12), color=grad)
            if feedback and outputs[t] is not None:
                arrow(
                    ax,
                    (x + 0.45, y_out),
                    (x + step - 0.3, y_in),
                    color=COLORS["muted"],
                    linestyle="--",
                    connection="arc3,rad=-0.25",
                )
    if title:
        ax.text(((T - 1) * step + left) / 2, 2.65, title, ha="center", va="bottom", fontsize=12)
    return ax


def finish(fig):
    """Tight layout for a figure about to be shown.

    A figure whose panels come from grids that tight_layout cannot reconcile keeps the layout its
    grids give it; matplotlib's warning about that would print the path of this file on the page.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="tight_layout not applied")
        fig.tight_layout()
    return fig
