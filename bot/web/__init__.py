"""The website process: a demo shop page with the chat widget, the widget's
script and assets (served locally, never from a CDN) and the identity endpoint
that turns a shop's customer token into a signed chat session (bot/identity.py).

aiohttp, Python 3.11; started by bot.launcher.Stack with the other servers:
python -m bot.web --port 8080.
"""
