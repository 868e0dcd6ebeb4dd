import os
import tempfile

# Qt must never try to open a real display in tests (without this, QApplication aborts).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Hermetic configuration: a developer's or CI machine's own workaid.toml (site-wide
# or per-user) must not point the tests, or the processes they start, at a real share.
_isolated = tempfile.mkdtemp(prefix="workaid-tests-config-")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_isolated, "user")
os.environ["XDG_CONFIG_DIRS"] = os.path.join(_isolated, "site")
for _name in ("WORKAID_CONFIG", "WORKAID_DATA_DIR", "WORKAID_KEY_PASSPHRASE"):
    os.environ.pop(_name, None)
