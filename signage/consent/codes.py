"""Receipt codes: random, typeable, with a check character. Pure functions."""
import secrets

#: Upper-case letters and digits without look-alikes (0/O, 1/I): 32 symbols, five bits each.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
#: 16 symbols are 80 bits. A receipt code is the only key to a person's withdrawal, so it must survive
#: guessing: with a billion receipts issued and a million tries a second (far above the public forms'
#: rate limits) the expected time to hit any one is 2^80 / 10^9 / 10^6 seconds, some 38 years, while 16
#: characters still fit on a slip of paper and can be typed on a phone.
RANDOM_LENGTH = 16
CODE_LENGTH = RANDOM_LENGTH + 1
_VALUE = {symbol: index for index, symbol in enumerate(ALPHABET)}


def new_receipt_code() -> str:
    """Return a fresh code: 16 random symbols and their check character."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + check_character(body)


def check_character(body: str) -> str:
    """Return the Luhn mod N check symbol of body, which catches every mistyped symbol and every swap of two
    neighbours but one (the first and last symbols of the alphabet, 2 and Z, swapped)."""
    factor, total, n = 2, 0, len(ALPHABET)
    for symbol in reversed(body):
        addend = factor * _VALUE[symbol]
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def normalised_code(text: str) -> str | None:
    """Return a code as typed, without hyphens, spaces or case, when it is well formed and its check
    character matches; None otherwise."""
    code = "".join(text.split()).replace("-", "").upper() if isinstance(text, str) else ""
    if len(code) != CODE_LENGTH or any(symbol not in _VALUE for symbol in code):
        return None
    return code if check_character(code[:-1]) == code[-1] else None


def readable_code(code: str) -> str:
    """Return a code in groups of four for reading aloud and printing: ABCD-EFGH-JKLM-NPQR-S."""
    return "-".join(code[index:index + 4] for index in range(0, len(code), 4))
