"""Text from a seller's files shown on a terminal: control characters (an ESC in a buyer's name or a file
name could recolour or clear the screen) escaped as visible \\x1b-style sequences. Line breaks and tabs of
velocity's own layout are not touched."""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CONTROL_ANY = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str, *, keep_lines: bool = True) -> str:
    """text with its control characters escaped (keep_lines: tabs and line breaks kept as they are)."""
    pattern = CONTROL if keep_lines else CONTROL_ANY
    return pattern.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
