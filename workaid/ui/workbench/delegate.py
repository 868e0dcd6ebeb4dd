"""How a card row is drawn: the title, then kind · owner · file in grey, with badges for
what the owner must act on (problems that block publishing, unsaved, changed, review)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from workaid.ui.models import kind_label
from workaid.ui.workbench.models import CardListModel

PAD_X, PAD_Y, GAP = 10, 6, 2

# (background, text) of each badge.
BADGES = {
    "problems": ("#fbe3e0", "#8a1f17"),
    "unsaved": ("#e3ecfb", "#1a4f9c"),
    "changed": ("#e6f3e6", "#265c27"),
    "new": ("#e6f3e6", "#265c27"),
    "overdue": ("#fdf0d5", "#7a4b00"),
}


class CardRowDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        title = QFont(option.font)
        title.setWeight(QFont.Weight.DemiBold)
        meta = QFont(option.font)
        meta.setPointSizeF(max(7.5, meta.pointSizeF() * 0.9))
        badge = QFont(meta)
        badge.setWeight(QFont.Weight.DemiBold)
        return title, meta, badge

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        title, meta, _ = self._fonts(option)
        h = QFontMetrics(title).height() + QFontMetrics(meta).height() + GAP + 2 * PAD_Y
        return QSize(200, h)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        painter.save()
        rect: QRect = option.rect
        state = option.state
        palette: QPalette = option.palette
        selected = bool(state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        elif index.row() % 2:
            painter.fillRect(rect, QColor("#f7f9fb"))
        painter.setPen(QColor("#e3e8ee"))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        title_font, meta_font, badge_font = self._fonts(option)
        tm, mm, bm = QFontMetrics(title_font), QFontMetrics(meta_font), QFontMetrics(badge_font)

        badges: list[tuple[str, str]] = []
        if index.data(CardListModel.EditedRole):
            badges.append(("unsaved", "unsaved"))
        if not index.data(CardListModel.ValidRole):
            n = int(index.data(CardListModel.ProblemCountRole) or 0)
            badges.append(("problems", f"{n} problem{'s' if n != 1 else ''}"))
        state_text = index.data(CardListModel.PublishStateRole)
        if state_text in ("new", "changed"):
            badges.append((state_text, state_text))
        if index.data(CardListModel.OverdueRole):
            badges.append(("overdue", "review overdue"))

        x_right = rect.right() - PAD_X
        y = rect.top() + PAD_Y
        painter.setFont(badge_font)
        for key, text in reversed(badges):
            w = bm.horizontalAdvance(text) + 10
            box = QRect(x_right - w, y + (tm.height() - bm.height()) // 2 - 1, w, bm.height() + 2)
            bg, fg = BADGES[key]
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(bg))
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(QColor(fg))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
            x_right -= w + 4

        left = rect.left() + PAD_X
        painter.setFont(title_font)
        painter.setPen(QColor("#a3261d") if not index.data(CardListModel.ValidRole) else QColor("#111820"))
        title = tm.elidedText(
            str(index.data(CardListModel.TitleRole) or ""), Qt.TextElideMode.ElideRight, max(10, x_right - left)
        )
        painter.drawText(QRect(left, y, x_right - left, tm.height()), Qt.AlignmentFlag.AlignVCenter, title)

        kind = index.data(CardListModel.KindRole) or ""
        parts = [
            kind_label(kind) if kind else "",
            index.data(CardListModel.OwnerRole) or "",
            index.data(CardListModel.PathRole) or "",
        ]
        meta = " · ".join(p for p in parts if p)
        painter.setFont(meta_font)
        painter.setPen(QColor("#5b6673"))
        width = rect.width() - 2 * PAD_X
        meta = mm.elidedText(meta, Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRect(left, y + tm.height() + GAP, width, mm.height()), Qt.AlignmentFlag.AlignVCenter, meta)
        painter.restore()
