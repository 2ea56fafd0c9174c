"""Writes the app's icons: a blue square with a white "T", as PNG, with the standard library.

Run it from anywhere (`python pwa/icons/make_icons.py`) after changing a colour or a
shape, and commit the PNGs it writes beside it. No image library: a PNG is a
signature, a header chunk, zlib-compressed rows of pixels and an end chunk.

The maskable icon is cropped by the phone to a circle, a squircle or a rounded
square: only the central circle of 80% of its width is sure to show (the "safe
zone"), so its T is drawn smaller, well inside that circle.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

HERE = Path(__file__).parent
ACCENT = (0x0B, 0x5C, 0xAD)  # pwa/app.css --accent, the manifest's theme colour
WHITE = (0xFF, 0xFF, 0xFF)
# The T as two rectangles (left, top, right, bottom) in fractions of the icon's side.
T_ANY = ((0.22, 0.20, 0.78, 0.34), (0.43, 0.20, 0.57, 0.80))
T_MASKABLE = ((0.33, 0.31, 0.67, 0.40), (0.455, 0.31, 0.545, 0.69))
ICONS = {
    "icon-192.png": (192, T_ANY),
    "icon-512.png": (512, T_ANY),
    "icon-maskable-512.png": (512, T_MASKABLE),
}
SAFE_RADIUS = 0.40  # of the side: the maskable safe zone's radius


def pixels(size: int, shape: tuple[tuple[float, float, float, float], ...]) -> list[bytes]:
    """Rows of 1-bit pixels, eight to a byte: 0 the accent colour, 1 white where a rectangle
    of the shape covers (two colours: a palette of two is the smallest PNG)."""
    rows = []
    for y in range(size):
        bits = [0] * size
        for left, top, right, bottom in shape:
            if round(top * size) <= y < round(bottom * size):
                for x in range(round(left * size), round(right * size)):
                    bits[x] = 1
        row = bytearray((size + 7) // 8)
        for x, bit in enumerate(bits):
            row[x // 8] |= bit << (7 - x % 8)
        rows.append(bytes(row))
    return rows


def png(size: int, rows: list[bytes]) -> bytes:
    """A PNG of 1-bit palette rows (each prefixed with filter type 0, none)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 1, 3, 0, 0, 0)  # 1 bit, palette
    raw = b"".join(b"\x00" + row for row in rows)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"PLTE", bytes(ACCENT + WHITE))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def inside_safe_zone(shape: tuple[tuple[float, float, float, float], ...]) -> bool:
    """Every corner of every rectangle lies within the central safe circle."""
    return all(
        (x - 0.5) ** 2 + (y - 0.5) ** 2 <= SAFE_RADIUS**2
        for left, top, right, bottom in shape
        for x in (left, right)
        for y in (top, bottom)
    )


def main() -> None:
    assert inside_safe_zone(T_MASKABLE), "the maskable T leaves the safe zone"
    for name, (size, shape) in ICONS.items():
        (HERE / name).write_bytes(png(size, pixels(size, shape)))
        print(f"{name}: {size}×{size}, {(HERE / name).stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
