"""Support console: staff log in to read and annotate the assistant's conversations.

`create_console_app(settings)` returns an aiohttp application; the web process
mounts it with `app.add_subapp("/console", create_console_app(settings))`.
"""
from bot.console.app import create_console_app

__all__ = ["create_console_app"]
