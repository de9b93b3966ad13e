from core.passwords import hash_password, verify_password


def test_a_hash_verifies_only_its_own_password() -> None:
    stored = hash_password("s3cret")
    assert stored.startswith("scrypt$")
    assert "s3cret" not in stored
    assert verify_password("s3cret", stored)
    assert not verify_password("S3cret", stored)


def test_two_hashes_of_one_password_differ() -> None:
    assert hash_password("x") != hash_password("x")


def test_malformed_hashes_never_match() -> None:
    for stored in ["", "plain", "md5$1$2$3$c2FsdA==$aGFzaA==", "scrypt$x$8$1$c2FsdA==$aGFzaA=="]:
        assert not verify_password("x", stored)
