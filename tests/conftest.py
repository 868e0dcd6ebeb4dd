import os

# Qt must never try to open a real display in tests (without this, QApplication aborts).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
