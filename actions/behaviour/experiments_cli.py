"""`python -m bot experiments report [--name NAME]`."""
from __future__ import annotations

from actions.behaviour.config import behaviour_config
from actions.behaviour.experiments import report, report_table


def main(args) -> int:
    from actions.profiles import ProfileStore
    from bot.settings import load_settings

    settings = load_settings()
    z = float(behaviour_config(settings).get("confidence_z", 1.96))
    store = ProfileStore(settings.profile_db_url)
    try:
        print(report_table(report(store, z, args.name), z))
    finally:
        store.dispose()
    return 0
