"""Signed notes and checkpoints against the reference vector of Go's golang.org/x/mod/sumdb/note (the
implementation C2SP's signed-note describes): its signer key, run through our code, signs its note byte
for byte as Go does, and its verifier key opens Go's note; changed notes and wrong keys are refused."""
import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signage.audit import notes

GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_NOTE = GO_TEXT + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"


def test_the_go_signer_key_signs_the_go_note_byte_for_byte_and_writes_the_go_verifier_key():
    name, key = notes.signer_from_text(GO_SIGNER)
    assert notes.sign_note(GO_TEXT, name, key) == GO_NOTE
    assert notes.verifier_key(name, key) == GO_VERIFIER


def test_the_go_note_opens_with_the_go_verifier_and_a_changed_one_does_not():
    verifier = notes.parse_verifier(GO_VERIFIER)
    assert notes.open_note(GO_NOTE, verifier) == GO_TEXT
    with pytest.raises(notes.NoteError, match="does not verify"):
        notes.open_note(GO_NOTE.replace("cryptography", "cryptographY"), verifier)
    other = Ed25519PrivateKey.generate()
    with pytest.raises(notes.NoteError, match="no signature"):
        notes.open_note(GO_NOTE, notes.parse_verifier(notes.verifier_key("PeterNeumann", other)))


@pytest.mark.parametrize("bad", ["", "PeterNeumann", "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                                 "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
                                 "Peter+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"])
def test_mangled_verifier_keys_are_refused(bad):
    with pytest.raises(notes.NoteError):
        notes.parse_verifier(bad)


@pytest.mark.parametrize("bad", ["", "no blank line\n", GO_TEXT + "\nnot a dash line\n", GO_TEXT + "\n\u2014 PeterNeumann !!!\n",
                                 GO_TEXT + "\n\u2014 PeterNeumann AAAA\n"])
def test_malformed_notes_are_refused_with_a_reason(bad):
    with pytest.raises(notes.NoteError):
        notes.open_note(bad, notes.parse_verifier(GO_VERIFIER))


def test_a_checkpoint_round_trips_and_bad_ones_are_refused():
    key = Ed25519PrivateKey.generate()
    text = notes.checkpoint_text("signs.example/log", 12, bytes(range(32)))
    note = notes.sign_note(text, "signs.example/log", key)
    opened = notes.open_note(note, notes.parse_verifier(notes.verifier_key("signs.example/log", key)))
    assert notes.parse_checkpoint(opened) == notes.Checkpoint("signs.example/log", 12, bytes(range(32)))
    root = base64.b64encode(bytes(32)).decode()
    for bad in (f"o\n012\n{root}\n", f"o\n-1\n{root}\n", "o\n1\nAAAA\n", f"\n1\n{root}\n", f"o\n1\n{root}"):
        with pytest.raises(notes.NoteError):
            notes.parse_checkpoint(bad)
