"""The PrivateBin v2 crypto, alone and against pbincli (pycryptodome, an independent stack)."""

from __future__ import annotations

import secrets

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pbincli.format import Paste

from okta_wizard.errors import HandoffError, UsageError
from okta_wizard.handoff.base58 import b58decode, b58encode
from okta_wizard.handoff.privatebin import (
    decrypt_paste,
    encrypt_paste,
    parse_link,
    validate_expire,
)
from okta_wizard.secret import Secret

# PBKDF2 at 100,000 iterations costs ~50 ms per call: keep example counts modest.
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# pbincli's PBKDF2 runs its HMAC in Python (~1 s per paste): few random cases, plus fixed ones.
PBINCLI = settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NON_ASCII = "Clé secrète: ünïcødé ✓ 秘密 🔑\n\ttab"


def pbincli_decrypt(payload: dict[str, object], b58key: str, password: str = "") -> str:
    paste = Paste()
    paste.setVersion(2)
    paste.loadJSON(payload)
    paste.setHash(b58key)
    if password:
        paste.setPassword(password)
    paste.decrypt()
    return paste.getText().decode()


@given(st.binary(max_size=40))
def test_base58_round_trip(data: bytes) -> None:
    assert b58decode(b58encode(data)) == data


def test_base58_known_vectors() -> None:
    assert b58encode(b"hello world") == "StV1DL6CwTryKyV"
    assert b58encode(b"\0\0\x01") == "112"
    assert b58decode("112") == b"\0\0\x01"


def test_base58_decoder_left_pads_like_privatebin_js() -> None:
    key = b"\0\0" + secrets.token_bytes(30)
    stripped = b58encode(key).lstrip("1")  # what an encoder that drops zeros would emit
    assert b58decode(stripped, 32) == key
    with pytest.raises(ValueError):
        b58decode("0OIl")  # not in the alphabet
    with pytest.raises(ValueError):
        b58decode(b58encode(b"\xff" * 33), 32)


@SLOW
@given(text=st.text(max_size=300), burn=st.booleans())
def test_round_trip_over_any_text(text: str, burn: bool) -> None:
    paste = encrypt_paste(Secret(text), burn_after_reading=burn, expire="1day")
    assert decrypt_paste(paste.payload, paste.key).reveal() == text
    assert paste.payload["adata"][3] == int(burn)
    assert paste.payload["meta"] == {"expire": "1day"}
    if len(text) >= 8:
        assert text not in str(paste.payload)


@SLOW
@given(
    text=st.text(max_size=200),
    password=st.text(alphabet=st.characters(max_codepoint=127), min_size=1, max_size=20),
)
def test_round_trip_with_password(text: str, password: str) -> None:
    paste = encrypt_paste(Secret(text), password=Secret(password))
    assert decrypt_paste(paste.payload, paste.key, Secret(password)).reveal() == text
    with pytest.raises(HandoffError):
        decrypt_paste(paste.payload, paste.key, Secret(password + "x"))


@PBINCLI
@given(text=st.text(min_size=1, max_size=200))
@example(text=NON_ASCII)
def test_pbincli_decrypts_what_we_encrypt(text: str) -> None:
    paste = encrypt_paste(Secret(text))
    assert pbincli_decrypt(paste.payload, b58encode(paste.key)) == text


def test_pbincli_decrypts_keys_with_leading_zero_bytes() -> None:
    # pbincli's base58 decoder does not left-pad: our encoder must keep the leading "1"s.
    for zeros in (2,):
        key = b"\0" * zeros + secrets.token_bytes(32 - zeros)
        paste = encrypt_paste(Secret("Client secret: ünïcødé ✓"), key=key)
        fragment = b58encode(key)
        assert fragment.startswith("1" * zeros)
        assert pbincli_decrypt(paste.payload, fragment) == "Client secret: ünïcødé ✓"
        _, _, parsed = parse_link(Secret(f"https://s.example/?{'a' * 16}#{fragment}"))
        assert parsed == key


@PBINCLI
@given(text=st.text(max_size=200), compression=st.sampled_from(["zlib", "none"]))
@example(text=NON_ASCII, compression="zlib")
@example(text=NON_ASCII, compression="none")
def test_we_decrypt_what_pbincli_encrypts(text: str, compression: str) -> None:
    paste = Paste()
    paste.setVersion(2)
    paste.setCompression(compression)
    paste.setText(text)
    paste.setPassword("hunter2")
    paste.encrypt(formatter="plaintext", burnafterreading=True, discussion=False, expiration="1day")
    key = b58decode(paste.getHash(), 32)
    assert decrypt_paste(paste._data, key, Secret("hunter2")).reveal() == text


def test_tampering_is_detected() -> None:
    paste = encrypt_paste(Secret("client_secret=abc"), burn_after_reading=True)
    altered = dict(paste.payload)
    altered["adata"] = [*paste.payload["adata"][:3], 0]  # a server turning burn-after-reading off
    with pytest.raises(HandoffError, match="altered"):
        decrypt_paste(altered, paste.key)
    with pytest.raises(HandoffError, match="altered"):
        decrypt_paste(paste.payload, secrets.token_bytes(32))


def test_hostile_headers_are_refused_before_work() -> None:
    paste = encrypt_paste(Secret("x"))
    spec = list(paste.payload["adata"][0])
    spec[2] = 10**9  # a server asking us for a billion PBKDF2 rounds
    hostile = {**paste.payload, "adata": [spec, *paste.payload["adata"][1:]]}
    with pytest.raises(HandoffError, match="cost"):
        decrypt_paste(hostile, paste.key)
    with pytest.raises(HandoffError, match="v2"):
        decrypt_paste({**paste.payload, "v": 1}, paste.key)


def test_a_deflate_bomb_is_refused() -> None:
    paste = encrypt_paste(Secret("a" * (11 * 1024 * 1024)))
    with pytest.raises(HandoffError, match="10 MB"):
        decrypt_paste(paste.payload, paste.key)


@pytest.mark.parametrize("value", ["5min", "10min", "1hour", "1day", "1week", "1month", "never"])
def test_every_privatebin_expiry_is_accepted(value: str) -> None:
    assert validate_expire(value) == value


@pytest.mark.parametrize("value", ["2days", "", "1 week", "forever", "7d"])
def test_an_invalid_expiry_is_refused_not_widened(value: str) -> None:
    with pytest.raises(UsageError) as info:
        validate_expire(value)
    assert "1week" in str(info.value)
