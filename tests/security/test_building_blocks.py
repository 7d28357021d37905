"""The plain-Python pieces the defences are built from: bounded JSON, client addresses
behind trusted proxies, token-bucket limits, private files, the action server's check."""
from __future__ import annotations

import json
import os
import stat

import pytest

from bot import safe_json
from bot.action_server import token_accepted
from bot.client_address import client_address, trusted_networks
from bot.private_files import private_file, private_sqlite
from bot.rate_limit import ChatLimits, RateLimiter, admit


@pytest.mark.parametrize("raw", [b"[" * 5000 + b"]" * 5000, b'{"a":' * 990 + b"1" + b"}" * 990,
                                 ("[" * 33 + "]" * 33).encode()])
def test_too_deep_json_is_a_value_error(raw):
    with pytest.raises(safe_json.TooDeep):
        safe_json.loads(raw)


def test_bounded_json_reads_everything_else_like_json():
    text = json.dumps({"a": [1, {"b": "]]]}}} [[[{{{ \" \\\\"}], "c": None})
    assert safe_json.loads(text) == json.loads(text)
    assert safe_json.loads(("[" * 32 + "]" * 32).encode()) == json.loads("[" * 32 + "]" * 32)
    for bad in (b"\xff", b"{", b"nope"):
        with pytest.raises(ValueError):
            safe_json.loads(bad)


def test_client_address_believes_forwarding_only_from_trusted_proxies():
    proxies = trusted_networks("127.0.0.1, 10.0.0.0/8")
    assert client_address("203.0.113.5", "1.2.3.4", proxies) == "203.0.113.5"      # not a proxy: the peer
    assert client_address("127.0.0.1", "198.51.100.7", proxies) == "198.51.100.7"
    # a client writing its own X-Forwarded-For: only the right-most untrusted hop counts
    assert client_address("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.1.2.3", proxies) == "198.51.100.7"
    assert client_address("127.0.0.1", "not-an-address", proxies) == "127.0.0.1"
    assert client_address("127.0.0.1", None, proxies) == "127.0.0.1"
    assert client_address("127.0.0.1", "198.51.100.7", []) == "127.0.0.1"             # nothing trusted
    with pytest.raises(ValueError):
        trusted_networks("127.0.0.1, proxy.local")


def test_rate_limits_allow_bursts_then_refill():
    limits = ChatLimits(per_session=3, per_address=5)
    now = 1000.0
    assert [limits.admit("s1", "a", now) == 0 for _ in range(4)] == [True, True, True, False]
    assert limits.admit("s2", "a", now) == 0 and limits.admit("s3", "a", now) == 0
    wait = limits.admit("s4", "a", now)                      # the address is spent; s4 took nothing
    assert wait == pytest.approx(60 / 5)
    assert limits.admit("s4", "b", now) == 0                 # another address
    assert limits.admit("s1", "c", now + 20) == 0            # one message per 20 s refills for s1
    assert admit([(RateLimiter(0), "x")], now) == 0          # 0: no limit


def test_private_files_are_created_and_made_0600(tmp_path):
    readable = tmp_path / "old.db"
    readable.write_text("")
    os.chmod(readable, 0o644)
    (tmp_path / "old.db-wal").write_text("")
    os.chmod(tmp_path / "old.db-wal", 0o644)
    private_sqlite(f"sqlite:///{readable}")
    created = private_file(tmp_path / "new" / "channels.db")
    for path in (readable, tmp_path / "old.db-wal", created):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700


def test_action_token_check():
    assert token_accepted("s" * 32, "s" * 32)
    assert not token_accepted("s" * 32, "s" * 31) and not token_accepted("s" * 32, None)
    assert not token_accepted("", "") and not token_accepted("", "anything")
