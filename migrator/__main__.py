import os
import sys

# `python -m migrator` puts the current directory first on sys.path; a repository being migrated may
# have its own top-level `codemods` package, which must not shadow ours.
_here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if sys.path and os.path.abspath(sys.path[0] or os.curdir) == os.path.abspath(os.curdir) != _here:
    sys.path.pop(0)

from migrator.cli import main  # noqa: E402

main()
