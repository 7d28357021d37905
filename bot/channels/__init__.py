"""Input channels of the Rasa server (loaded by Rasa from credentials.yml).

rest.py        Rasa's REST channel with malformed bodies answered by a clear 400
telegram.py    Telegram Bot API webhook
whatsapp.py    WhatsApp through Twilio
messenger.py   Facebook Messenger
slack.py       Slack Events API and interactive buttons
messaging.py   what the four messaging-app channels share on the Rasa side

Plain Python, tested without Rasa:
validation.py  checks of REST bodies
render.py      the message contract in each platform's shapes
security.py    webhook signature checks
inbound.py     webhook payloads read into customer messages
memory.py      what the channels remember between webhooks (SQLite, with expiry)
outbound.py    calls to the platform APIs (aiohttp)
"""
