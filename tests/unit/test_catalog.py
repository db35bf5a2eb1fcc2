"""Every message has a Simplified Chinese translation, plurals included, with the same placeholders."""
import re
from pathlib import Path

from babel.messages.pofile import read_po

CATALOG = Path(__file__).resolve().parents[2] / "translations/zh_Hans/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def messages():
    with CATALOG.open("rb") as source:
        return [message for message in read_po(source) if message.id]


def test_every_message_is_translated_and_none_is_fuzzy():
    missing = [message.id for message in messages()
               if message.fuzzy or not all(message.string if isinstance(message.string, tuple) else [message.string])]
    assert missing == []


def test_translations_keep_the_placeholders():
    wrong = []
    for message in messages():
        source = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if any(set(PLACEHOLDER.findall(source)) - {"num"} != set(PLACEHOLDER.findall(text)) - {"num"}
               for text in strings):
            wrong.append(source)
    assert wrong == []
