"""Painting one search result: title, STALE badge, kind chip, tags, and a two-line
snippet with the matched words highlighted."""

from __future__ import annotations

import re
from collections.abc import Iterable

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPen,
    QTextCharFormat,
    QTextLayout,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from workaid.ui import theme
from workaid.ui.models import ResultsModel, kind_label

PAD_X = 14
PAD_Y = 9
GAP = 4
SNIPPET_LINES = 2

# (background, text) per kind: quiet tints, readable at a glance. Colours are the light
# look's; painting asks theme.color for the look in use.
KIND_COLORS = {
    "guideline": ("#e4eefb", "#1f4e8c"),
    "script": ("#e3f3e7", "#1e6b35"),
    "checklist": ("#efe7f8", "#5b3a8e"),
    "contact": ("#fdeedd", "#8a4b12"),
    "scenario": ("#e6f4f5", "#1d6470"),
}
DEFAULT_KIND_COLORS = ("#eceff2", "#3a4450")

TEXT = "#17202a"
MUTED = "#68737f"
SNIPPET = "#36404b"
HIT_BG = "#ffe58a"
HIT_TEXT = "#1a1400"
SELECTED_BG = "#dce9fb"
SELECTED_EDGE = "#2f6fd0"
HOVER_BG = "#f3f6fa"
SEPARATOR = "#e7ebef"
STALE_BG = "#c62828"
STALE_TEXT = "#ffffff"


def _c(hex_color: str) -> QColor:
    """A colour of the light look, in the look in use (theme.py)."""
    return theme.color(hex_color)


_SPACES = re.compile(r"\s+")


def _tidy(parts: Iterable[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Display only: runs of white space (table cells, line breaks) shown as one space."""
    out: list[tuple[str, bool]] = []
    prev_space = False
    for piece, hit in parts:
        piece = _SPACES.sub(" ", piece)
        if prev_space and piece.startswith(" "):
            piece = piece[1:]
        if piece:
            out.append((piece, hit))
            prev_space = piece.endswith(" ")
    return out


class ResultDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    # -- fonts --------------------------------------------------------------------
    @staticmethod
    def _fonts(base: QFont) -> tuple[QFont, QFont, QFont, QFont]:
        title = QFont(base)
        title.setWeight(QFont.Weight.DemiBold)
        title.setPointSizeF(base.pointSizeF() * 1.08)
        small = QFont(base)
        small.setPointSizeF(base.pointSizeF() * 0.86)
        chip = QFont(small)
        chip.setWeight(QFont.Weight.DemiBold)
        snippet = QFont(base)
        snippet.setPointSizeF(base.pointSizeF() * 0.95)
        return title, small, chip, snippet

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        title, small, _chip, snippet = self._fonts(option.font)
        h = (
            PAD_Y
            + QFontMetricsF(title).height()
            + GAP
            + QFontMetricsF(small).height()
            + 4
            + GAP
            + QFontMetricsF(snippet).lineSpacing() * SNIPPET_LINES
            + PAD_Y
        )
        return QSize(200, int(h + 1.5))

    # -- painting ---------------------------------------------------------------
    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        rect = QRectF(option.rect)
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hovered = bool(state & QStyle.StateFlag.State_MouseOver)

        if selected:
            painter.fillRect(rect, _c(SELECTED_BG))
            painter.fillRect(QRectF(rect.left(), rect.top(), 3, rect.height()), _c(SELECTED_EDGE))
        elif hovered:
            painter.fillRect(rect, _c(HOVER_BG))
        painter.setPen(QPen(_c(SEPARATOR), 1))
        painter.drawLine(QPointF(rect.left() + PAD_X, rect.bottom()), QPointF(rect.right() - PAD_X, rect.bottom()))

        title_font, small_font, chip_font, snippet_font = self._fonts(option.font)
        left = rect.left() + PAD_X
        right = rect.right() - PAD_X
        y = rect.top() + PAD_Y

        # Row 1: title, and the STALE badge on the right.
        stale = bool(index.data(ResultsModel.StaleRole))
        tfm = QFontMetricsF(title_font)
        title_right = right
        if stale:
            badge_y = y + (tfm.height() - self._chip_h(chip_font)) / 2
            badge_w = self._badge(
                painter, chip_font, "STALE", right, badge_y, _c(STALE_BG), _c(STALE_TEXT), align_right=True
            )
            title_right = right - badge_w - 8
        painter.setFont(title_font)
        painter.setPen(_c(TEXT))
        title = str(index.data(ResultsModel.TitleRole) or "")
        elided = tfm.elidedText(title, Qt.TextElideMode.ElideRight, max(0.0, title_right - left))
        left_middle = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(QRectF(left, y, title_right - left, tfm.height()), left_middle, elided)
        y += tfm.height() + GAP

        # Row 2: kind chip, then the tags.
        kind = str(index.data(ResultsModel.KindRole) or "")
        bg, fg = KIND_COLORS.get(kind, DEFAULT_KIND_COLORS)
        chip_h = self._chip_h(chip_font)
        chip_w = self._badge(painter, chip_font, kind_label(kind), left, y, _c(bg), _c(fg))
        tags = index.data(ResultsModel.TagsRole) or []
        if tags:
            painter.setFont(small_font)
            painter.setPen(_c(MUTED))
            sfm = QFontMetricsF(small_font)
            tx = left + chip_w + 8
            text = sfm.elidedText(
                "  ·  ".join(f"#{t}" for t in tags), Qt.TextElideMode.ElideRight, max(0.0, right - tx)
            )
            painter.drawText(QRectF(tx, y, right - tx, chip_h), left_middle, text)
        y += chip_h + GAP

        # Rows 3-4: the snippet, matches highlighted, elided after two lines.
        parts = index.data(ResultsModel.SnippetPartsRole) or ()
        self._snippet(painter, snippet_font, parts, QRectF(left, y, right - left, rect.bottom() - PAD_Y - y + 2))
        painter.restore()

    @staticmethod
    def _chip_h(font: QFont) -> float:
        return QFontMetricsF(font).height() + 4

    def _badge(
        self,
        painter: QPainter,
        font: QFont,
        text: str,
        x: float,
        y: float,
        bg: QColor,
        fg: QColor,
        align_right: bool = False,
    ) -> float:
        fm = QFontMetricsF(font)
        w = fm.horizontalAdvance(text) + 14
        h = self._chip_h(font)
        if align_right:
            x -= w
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(bg)
        painter.drawRoundedRect(QRectF(x, y, w, h), h / 2, h / 2)
        painter.setFont(font)
        painter.setPen(fg)
        painter.drawText(QRectF(x, y, w, h), Qt.AlignmentFlag.AlignCenter, text)
        return w

    @staticmethod
    def _snippet(painter: QPainter, font: QFont, parts: Iterable[tuple[str, bool]], box: QRectF) -> None:
        runs = _tidy(parts)
        text = "".join(p for p, _ in runs)
        if not text or box.width() <= 10:
            return
        formats = []
        pos = 0
        for piece, hit in runs:
            if hit and piece:
                fr = QTextLayout.FormatRange()
                fr.start = pos
                fr.length = len(piece)
                fmt = QTextCharFormat()
                fmt.setBackground(_c(HIT_BG))
                fmt.setForeground(_c(HIT_TEXT))
                fmt.setFontWeight(QFont.Weight.DemiBold)
                fr.format = fmt
                formats.append(fr)
            pos += len(piece)
        fm = QFontMetricsF(font)
        ellipsis = "…"
        ell_w = fm.horizontalAdvance(ellipsis)
        layout = QTextLayout(text, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.setFormats(formats)
        layout.beginLayout()
        y = 0.0
        lines: list[QTextLine] = []
        while len(lines) < SNIPPET_LINES:
            line = layout.createLine()
            if not line.isValid():
                break
            is_last = len(lines) == SNIPPET_LINES - 1
            line.setLineWidth(box.width())
            if is_last and line.textStart() + line.textLength() < len(text):
                line.setLineWidth(max(10.0, box.width() - ell_w - 2))
            line.setPosition(QPointF(0, y))
            y += fm.lineSpacing()
            lines.append(line)
        layout.endLayout()
        painter.setPen(_c(SNIPPET))
        painter.setFont(font)
        layout.draw(painter, box.topLeft())
        if lines:
            last = lines[-1]
            if last.textStart() + last.textLength() < len(text):
                x = box.left() + last.naturalTextWidth() + 1
                painter.drawText(QPointF(x, box.top() + last.y() + last.ascent()), ellipsis)
