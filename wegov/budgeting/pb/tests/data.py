"""Where the real Pabulib files are: ``../shared/data/pabulib`` beside the checkout
(a git worktree sits one folder deeper, so its grandparent is tried too)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
DATA = next(
    (
        base / "shared" / "data" / "pabulib"
        for base in (ROOT.parent, ROOT.parent.parent)
        if (base / "shared" / "data" / "pabulib").is_dir()
    ),
    ROOT.parent / "shared" / "data" / "pabulib",
)
FILES = sorted(DATA.glob("*.pb"))
