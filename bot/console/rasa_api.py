"""The console's wrapper around Rasa's HTTP API (rasa run --enable-api).

Agents' replies and hand-backs are appended to the conversation as tracker
events with `output_channel=latest&execute_side_effects=true`: Rasa stores them
under its lock for that conversation (safe with several replicas) and sends the
bot messages among them through the customer's latest input channel (the
widget's socket.io room, Telegram, WhatsApp, Messenger, Slack). REST customers
read them with GET /webhooks/rest/replies (bot/channels/rest.py).
"""
from __future__ import annotations

import time
from typing import Any, Dict, List, Optional
from urllib.parse import quote

import aiohttp


PATH_SAFE = ":+@!$&'()*,;=~"


class RasaUnavailable(Exception):
    """Rasa did not answer or refused; the message says what to tell the agent."""


class RasaApi:
    def __init__(self, base_url: str, token: str, timeout: float = 15.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    async def append_events(self, sender_id: str, events: List[Dict[str, Any]], deliver: bool = True) -> Dict:
        """Store events on the conversation; with deliver, bot messages reach the customer."""
        query = {"token": self.token, "include_events": "NONE"}
        if deliver:
            query.update(output_channel="latest", execute_side_effects="true")
        # Rasa matches the id in the path without decoding every escape (%2B stays as it
        # is): keep the characters a path may hold, escape only the rest.
        url = f"{self.base_url}/conversations/{quote(sender_id, safe=PATH_SAFE)}/tracker/events"
        try:
            async with aiohttp.ClientSession(timeout=self.timeout) as session:
                async with session.post(url, params=query, json=events) as answer:
                    if answer.status == 401 or answer.status == 403:
                        raise RasaUnavailable("the assistant refused the console's API token "
                                              "(check RASA_API_TOKEN)")
                    if answer.status >= 400:
                        raise RasaUnavailable(f"the assistant answered {answer.status}")
                    return await answer.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RasaUnavailable(f"the assistant could not be reached ({type(exc).__name__})") from exc


def agent_message(text: str, agent_name: str) -> Dict[str, Any]:
    """A bot event written by a person. Its metadata travels with the message to the
    customer's channel (Rasa merges it into the message), so it holds the display
    name only; who it was is in the console's audit log."""
    return {"event": "bot", "text": text, "timestamp": time.time(), "metadata": {"agent_name": agent_name}}


def pause_event() -> Dict[str, Any]:
    return {"event": "pause", "timestamp": time.time()}


def resume_event() -> Dict[str, Any]:
    return {"event": "resume", "timestamp": time.time()}


def listen_event() -> Dict[str, Any]:
    """The pause ended the bot's turn without listening; the policies expect the
    customer's next message to follow an action_listen, as it does after any turn."""
    return {"event": "action", "name": "action_listen", "timestamp": time.time()}


def api_from_settings(settings: Any, token: Optional[str] = None) -> RasaApi:
    from bot.launcher import api_token

    url = settings.console_rasa_url or f"http://{settings.rasa_host}:{settings.rasa_port}"
    return RasaApi(url, token if token is not None else api_token(settings))
