"""Where the tests find the real Pol.is openData exports (../shared/data/polis)."""

from pathlib import Path

POLIS_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "polis"
if not POLIS_DATA.is_dir():
    POLIS_DATA = Path("/work/shared/data/polis")
REAL_EXPORTS = sorted(p for p in POLIS_DATA.iterdir() if p.is_dir()) if POLIS_DATA.is_dir() else []
REAL_NAMES = [p.name for p in REAL_EXPORTS]
