"""python -m bot.web: the website process (demo shop, widget, /api/session)."""
import sys

from bot.settings import ROOT

if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    from bot.web.app import main

    raise SystemExit(main())
