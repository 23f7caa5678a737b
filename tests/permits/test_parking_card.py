"""The signed parking card (domains.permits.parking_card): what it carries, and every change that must fail."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domains.permits.parking_card import b64, card_code, check_card, public_key_b64, unb64

DAY = dt.date(2026, 12, 4)
AGS = "14612000"


def code(**overrides) -> str:
    values = {
        "number": "14612000-N1-2026-00001",
        "ags": AGS,
        "zone": "N1",
        "valid_from": dt.date(2026, 12, 1),
        "valid_until": dt.date(2027, 11, 30),
        "plate": "DD-AB 123",
    }
    return card_code(**{**values, **overrides})


def payload(text: str) -> dict:
    return json.loads(unb64(text.split(".")[1]))


def with_payload(text: str, **changes) -> str:
    """The same signature over a changed payload: what a forger who edits the code gets."""
    prefix, _body, signature = text.split(".")
    body = b64(json.dumps({**payload(text), **changes}, separators=(",", ":"), sort_keys=True).encode())
    return f"{prefix}.{body}.{signature}"


def test_a_valid_card_passes_and_carries_no_plate():
    text = code()
    result = check_card(text, plate="DD-AB 123", ags=AGS, zone="N1", on=DAY)
    assert result.valid and result.problems == []
    assert result.payload["n"] == "14612000-N1-2026-00001"
    assert "AB" not in base64.urlsafe_b64decode(text.split(".")[1] + "==").decode()
    assert set(payload(text)) == {"k", "n", "a", "z", "f", "u", "h"}
    assert len(text) < 300  # fits a small QR code


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"u": "2028-11-30"}, "Signatur falsch"),
        ({"z": "N2"}, "Signatur falsch"),
        ({"h": "AAAAAAAAAAAAAAAAAAAAAA"}, "Signatur falsch"),
        ({"n": "14612000-N1-2026-00002"}, "Signatur falsch"),
    ],
)
def test_a_changed_field_breaks_the_signature(change, problem):
    result = check_card(with_payload(code(), **change), plate="DD-AB 123", ags=AGS, on=DAY)
    assert not result.valid and problem in result.problems[0]


def test_another_plate_zone_day_commune_or_a_revocation_fails_with_its_reason():
    text = code()
    assert check_card(text, plate="DD-AB 124", ags=AGS, on=DAY).problems == [
        "Das Kennzeichen passt nicht zum Ausweis."
    ]
    assert check_card(text, plate="DD-AB 123", ags=AGS, zone="J1", on=DAY).problems == [
        "Der Ausweis gilt für Zone N1, nicht für Zone J1."
    ]
    assert check_card(text, plate="DD-AB 123", ags=AGS, on=dt.date(2027, 12, 1)).problems == [
        "Der Ausweis ist seit 01.12.2027 abgelaufen."
    ]
    assert check_card(text, plate="DD-AB 123", ags=AGS, on=dt.date(2026, 11, 30)).problems == [
        "Der Ausweis gilt erst ab 01.12.2026."
    ]
    other = check_card(text, plate="DD-AB 123", ags="14713000", on=DAY)
    assert "anderen Gemeinde" in other.problems[0] and "Kennzeichen passt nicht" in other.problems[1]
    revoked = check_card(text, plate="DD-AB 123", ags=AGS, on=DAY, revoked={"14612000-N1-2026-00001"})
    assert revoked.problems == ["Der Ausweis wurde widerrufen."]


@pytest.mark.parametrize("garbage", ["", "PA1", "PA1.x.y", "XX1.a.b", "PA1." + "A" * 700 + ".b", "PA1.@@.##"])
def test_garbage_is_no_card(garbage):
    result = check_card(garbage, plate="DD-AB 123", ags=AGS, on=DAY)
    assert not result.valid and "Kein gültiger Parkausweis-Code" in result.problems[0]


def new_key() -> str:
    return b64(Ed25519PrivateKey.generate().private_bytes_raw())


def public(private: str) -> str:
    return b64(Ed25519PrivateKey.from_private_bytes(unb64(private)).public_key().public_bytes_raw())


def use_key(settings, kid: str, private: str, *verify: tuple[str, str]) -> None:
    settings.PARKING_SIGNING_KEY_ID, settings.PARKING_SIGNING_KEY = kid, private
    settings.PARKING_VERIFY_KEYS = tuple(verify)


def valid(text: str) -> bool:
    return check_card(text, plate="DD-AB 123", ags=AGS, on=DAY).valid


def test_rotation_keeps_old_cards_while_their_key_is_listed_and_refuses_them_after(settings):
    key1, key2 = new_key(), new_key()
    use_key(settings, "1", key1)
    old = code()
    assert payload(old)["k"] == "1" and valid(old)
    use_key(settings, "2", key2, ("1", public(key1)))  # rotated: key 1 only verifies now
    new = code()
    assert payload(new)["k"] == "2" and valid(new) and valid(old)
    use_key(settings, "2", key2)  # key 1 removed after its last card expired
    assert valid(new)
    assert check_card(old, plate="DD-AB 123", ags=AGS, on=DAY).problems == [
        "Der Ausweis ist mit einem unbekannten Schlüssel signiert (Schlüssel-ID „1“). Bitte die Seite neu "
        "laden; bleibt die Meldung, ist der Schlüssel zurückgezogen und der Ausweis ungültig."
    ]


def test_the_kid_picks_the_key_so_a_card_naming_another_kid_fails(settings):
    key1, key2 = new_key(), new_key()
    use_key(settings, "1", key1, ("2", public(key2)))
    assert not check_card(with_payload(code(), k="2"), plate="DD-AB 123", ags=AGS, on=DAY).valid
    use_key(settings, "2", key2, ("1", public(key1)))
    assert (
        "Signatur falsch"
        in check_card(with_payload(code(), k="1"), plate="DD-AB 123", ags=AGS, on=DAY).problems[0]
    )


def card_without_kid(private: str) -> str:
    """A card as issued before key ids: the same payload without ``k``, signed with the then key."""
    body = {k: v for k, v in payload(code()).items() if k != "k"}
    text = "PA1." + b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
    return f"{text}.{b64(Ed25519PrivateKey.from_private_bytes(unb64(private)).sign(text.encode()))}"


def test_a_card_without_kid_is_checked_against_the_legacy_key(settings):
    old_key, current = new_key(), new_key()
    use_key(settings, "2026-12", current, ("legacy", public(old_key)))
    legacy = card_without_kid(old_key)
    assert valid(legacy)
    assert not valid(card_without_kid(current))  # only the legacy key, not the current one
    use_key(settings, "2026-12", current)
    assert (
        "aus der Zeit vor dem Schlüsselwechsel"
        in check_card(legacy, plate="DD-AB 123", ags=AGS, on=DAY).problems[0]
    )


@pytest.mark.parametrize("kid", [7, None, ["1"], "a b", "x" * 40, "<script>"])
def test_a_malformed_kid_is_no_card(settings, kid):
    result = check_card(with_payload(code(), k=kid), plate="DD-AB 123", ags=AGS, on=DAY)
    assert not result.valid and "Kein gültiger Parkausweis-Code" in result.problems[0]


def test_a_changed_secret_key_leaves_the_card_valid(settings):
    text = code()
    settings.SECRET_KEY = "ein-ganz-neuer-schluessel-" + "z" * 40
    assert valid(text) and public_key_b64() == public(settings.PARKING_SIGNING_KEY)
