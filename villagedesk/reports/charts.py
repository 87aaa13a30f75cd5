"""Charts of the report documents, drawn as PNG images with matplotlib.

Chinese labels need a CJK font: Noto Sans CJK is looked for among the system's fonts (Debian's
fonts-noto-cjk). Without it a chart whose labels are not plain ASCII is left out (None), and the
document keeps the table of the same figures; a chart never stops a report.
"""

import functools
import io

from matplotlib import font_manager
from matplotlib.figure import Figure

# Inches at this resolution: 16 cm wide in the document.
SIZE = (6.3, 3.2)
DPI = 150
COLOURS = ["#1d4ed8", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#be185d"]


@functools.cache
def cjk_font() -> font_manager.FontProperties | None:
    """Noto Sans CJK (or Noto Serif CJK) among the system's fonts, or None."""
    found = sorted(font_manager.findSystemFonts())
    for wanted in ("NotoSansCJK-Regular", "NotoSansCJKsc-Regular", "NotoSerifCJK-Regular"):
        for path in found:
            if wanted in path:
                return font_manager.FontProperties(fname=path)
    return None


def drawable(labels) -> font_manager.FontProperties | None | bool:
    """The font to draw these labels with (None: matplotlib's own), or False when they need
    a CJK font the system lacks."""
    font = cjk_font()
    if font is None and not all(str(label).isascii() for label in labels):
        return False
    return font


def png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, bbox_inches="tight")
    return out.getvalue()


def styled(ax, font) -> None:
    for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
        if font is not None:
            label.set_fontproperties(font)
    ax.spines[["top", "right"]].set_visible(False)


def pyramid(*, bands: list[str], male: list[int], female: list[int], names: tuple[str, str]):
    """Persons by age band, men to the left and women to the right; PNG bytes or None."""
    font = drawable([*bands, *names])
    if font is False:
        return None
    figure = Figure(figsize=SIZE)
    ax = figure.subplots()
    ax.barh(bands, [-n for n in male], color=COLOURS[0], label=names[0])
    ax.barh(bands, female, color=COLOURS[1], label=names[1])
    ax.xaxis.set_major_formatter(lambda value, _pos: f"{abs(int(value))}")
    ax.legend(prop=font, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2)
    styled(ax, font)
    return png(figure)


def bars(*, labels: list[str], values: list[int], horizontal: bool = True):
    """One bar per label with its value written beside it; PNG bytes or None."""
    font = drawable(labels)
    if font is False or not labels:
        return None
    figure = Figure(figsize=SIZE)
    ax = figure.subplots()
    if horizontal:
        drawn = ax.barh(labels, values, color=COLOURS[0])
        ax.invert_yaxis()
    else:
        drawn = ax.bar(labels, values, color=COLOURS[0])
        ax.tick_params(axis="x", labelrotation=45)
    ax.bar_label(drawn, padding=2)
    styled(ax, font)
    return png(figure)


def months(*, months: list[str], values: list[int], name: str):
    """Households visited by month as bars; PNG bytes or None."""
    font = drawable([name])
    if font is False or not months:
        return None
    figure = Figure(figsize=SIZE)
    ax = figure.subplots()
    drawn = ax.bar(months, values, color=COLOURS[2])
    ax.bar_label(drawn, padding=2)
    ax.set_title(name, fontproperties=font)
    ax.tick_params(axis="x", labelrotation=45)
    styled(ax, font)
    return png(figure)
