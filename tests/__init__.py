from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FIXTURES_ROOT = PROJECT_ROOT / "fixtures"
DATA_FIXTURES = FIXTURES_ROOT / "data"
