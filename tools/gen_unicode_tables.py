#!/usr/bin/env python3
"""Generates core/src/unicode_tables.inc: the Unicode data behind the text
rules and the moderation filter's folding (docs/filter.md).

The tables come from the running Python's unicodedata, so the Unicode version
is whatever that Python ships (recorded in the output). They are kept as
ranges because they are compiled into the browser's Wasm module:

  lower_runs        simple lowercase mappings as runs of equal deltas; a run
                    with stride 2 maps every other code point (the alternating
                    upper/lower pairs of Latin Extended, Cyrillic, ...).
  fold_drop_ranges  code points the fold drops: White_Space, P*, S*, Cf, Cc.
  white_space       the White_Space property (PropList.txt).

Run from the repository root:  python3 tools/gen_unicode_tables.py
(--check compares with the committed file instead of writing it).
"""
import sys
import unicodedata
from pathlib import Path

MAX_CP = 0x10FFFF
OUTPUT = Path(__file__).resolve().parent.parent / "core" / "src" / "unicode_tables.inc"

# White_Space from PropList.txt. unicodedata has no property API, so the list
# is written out and cross-checked below against the general categories it
# must agree with (Zs, Zl, Zp plus the five Cc whitespace controls).
WHITE_SPACE = [(0x0009, 0x000D), (0x0020, 0x0020), (0x0085, 0x0085), (0x00A0, 0x00A0),
               (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029), (0x202F, 0x202F),
               (0x205F, 0x205F), (0x3000, 0x3000)]

DROPPED_CATEGORIES = {"Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po",
                      "Sm", "Sc", "Sk", "So", "Cf", "Cc"}

FULL_WIDTH_FIRST, FULL_WIDTH_LAST, FULL_WIDTH_DELTA = 0xFF01, 0xFF5E, 0xFEE0
IDEOGRAPHIC_SPACE = 0x3000
CJK_FIRST, CJK_LAST = 0x4E00, 0x9FFF            # fast path in fold_code_point
CJK_SYMBOLS_FIRST = 0x3000                       # U+3000..303F: one 64-bit mask
LOWER_BLOCK = 2048                               # granularity of lower_blocks
FOLD_CHECKSUM_SEED = 0xCBF29CE484222325          # FNV-1a offset basis and prime,
FOLD_CHECKSUM_PRIME = 0x100000001B3              # applied per 32-bit value


def is_surrogate(cp):
    return 0xD800 <= cp <= 0xDFFF


def category(cp):
    return unicodedata.category(chr(cp))


def in_white_space(cp):
    return any(first <= cp <= last for first, last in WHITE_SPACE)


def simple_lower(cp):
    """Simple (one-to-one) lowercase mapping of UnicodeData.txt field 13.

    str.lower() applies the full mappings of SpecialCasing.txt; the only
    unconditional lowercase entry there is U+0130, whose simple mapping is
    U+0069. Anything else that lowers to several characters is a surprise in
    a new Unicode version and stops the generator.
    """
    if is_surrogate(cp):
        return cp
    lowered = chr(cp).lower()
    if len(lowered) == 1:
        return ord(lowered)
    if cp == 0x0130:
        return 0x0069
    raise SystemExit(f"U+{cp:04X} lowers to {len(lowered)} characters; review simple_lower()")


def is_dropped(cp):
    return in_white_space(cp) or category(cp) in DROPPED_CATEGORIES


def fold(cp):
    if FULL_WIDTH_FIRST <= cp <= FULL_WIDTH_LAST:
        cp -= FULL_WIDTH_DELTA
    elif cp == IDEOGRAPHIC_SPACE:
        cp = 0x20
    lowered = simple_lower(cp)
    return 0 if is_dropped(lowered) else lowered


def check_assumptions():
    """Facts the C++ fast paths rely on; fail loudly if a Unicode update breaks one."""
    from_categories = {cp for cp in range(MAX_CP + 1)
                       if not is_surrogate(cp) and category(cp) in ("Zs", "Zl", "Zp")}
    from_categories |= {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x85}
    listed = {cp for first, last in WHITE_SPACE for cp in range(first, last + 1)}
    assert listed == from_categories, "White_Space list disagrees with Zs/Zl/Zp"
    controls = {cp for cp in range(MAX_CP + 1) if not is_surrogate(cp) and category(cp) == "Cc"}
    assert controls == set(range(0x00, 0x20)) | set(range(0x7F, 0xA0)), "Cc is not C0+DEL+C1"
    for cp in range(CJK_FIRST, CJK_LAST + 1):
        assert category(cp) == "Lo" and fold(cp) == cp, f"U+{cp:04X} breaks the CJK fast path"
    for cp in range(CJK_SYMBOLS_FIRST, CJK_SYMBOLS_FIRST + 64):
        assert fold(cp) in (0, cp), f"U+{cp:04X} breaks the U+3000..303F drop mask"
    for cp in range(MAX_CP + 1):
        if is_surrogate(cp):
            continue
        # Dropping is decided on the lower-cased character; make sure that is
        # the same as deciding on the original one.
        assert is_dropped(cp) == is_dropped(simple_lower(cp)), f"U+{cp:04X} changes class when lowered"


def lower_runs():
    deltas = {cp: simple_lower(cp) - cp for cp in range(MAX_CP + 1)
              if not is_surrogate(cp) and simple_lower(cp) != cp}
    keys = sorted(deltas)
    runs, i = [], 0
    while i < len(keys):
        first, delta = keys[i], deltas[keys[i]]
        ends = {}
        for stride in (1, 2):
            j = i
            while (j + 1 < len(keys) and keys[j + 1] == keys[j] + stride
                   and deltas[keys[j + 1]] == delta):
                j += 1
            ends[stride] = j
        stride = 2 if ends[2] > ends[1] else 1
        j = ends[stride]
        runs.append((first, keys[j], delta, stride))
        i = j + 1
    # A stride-2 run must not hide a mapped code point between its members.
    for first, last, _, stride in runs:
        if stride == 2:
            for cp in range(first + 1, last, 2):
                assert cp not in deltas, f"U+{cp:04X} inside a stride-2 run"
    return runs


def ranges_of(predicate):
    ranges, start = [], None
    for cp in range(MAX_CP + 2):
        inside = cp <= MAX_CP and not is_surrogate(cp) and predicate(cp)
        if inside and start is None:
            start = cp
        elif not inside and start is not None:
            ranges.append((start, cp - 1))
            start = None
    return ranges


def render():
    check_assumptions()
    runs = lower_runs()
    drops = ranges_of(is_dropped)
    ascii_fold = [fold(cp) for cp in range(128)]
    lower_block_words = [0] * ((MAX_CP + 1) // LOWER_BLOCK // 32)
    for first, last, _, _ in runs:
        for block in range(first // LOWER_BLOCK, last // LOWER_BLOCK + 1):
            lower_block_words[block // 32] |= 1 << (block % 32)
    cjk_symbols_mask = sum(1 << i for i in range(64) if fold(CJK_SYMBOLS_FIRST + i) == 0)
    # A checksum of fold() over every code point (surrogates fold to 0), so a
    # test can prove the C++ lookups reproduce these tables exactly.
    checksum = FOLD_CHECKSUM_SEED
    for cp in range(MAX_CP + 1):
        folded = 0 if is_surrogate(cp) else fold(cp)
        checksum = ((checksum ^ folded) * FOLD_CHECKSUM_PRIME) & 0xFFFFFFFFFFFFFFFF
    version = unicodedata.unidata_version
    py = ".".join(map(str, sys.version_info[:3]))

    out = []
    out.append(f"// Generated by tools/gen_unicode_tables.py from Python {py} unicodedata,")
    out.append(f"// Unicode {version}. Do not edit; re-run the generator instead.")
    out.append("// Included by core/src/text.cpp, core/src/filter.cpp and, for the checksum,")
    out.append("// tests/core/test_filter.cpp.")
    out.append("")
    out.append("namespace comments::unicode_tables {")
    out.append("")
    out.append(f'inline constexpr char unicode_version[] = "{version}";')
    out.append("")
    out.append("struct CodeRange {")
    out.append("  char32_t first;")
    out.append("  char32_t last;")
    out.append("};")
    out.append("")
    out.append("// Simple lowercase mapping: code points first, first+stride, ... last map to cp + delta.")
    out.append("struct LowerRun {")
    out.append("  char32_t first;")
    out.append("  char32_t last;")
    out.append("  std::int32_t delta;")
    out.append("  std::uint32_t stride;")
    out.append("};")
    out.append("")
    out.append(f"// Bit b set: block b of {LOWER_BLOCK} code points has some lowercase mapping (so most")
    out.append("// code points skip the search in lower_runs).")
    out.append(f"inline constexpr std::size_t lower_block_bits = {LOWER_BLOCK.bit_length() - 1};")
    out.append(f"inline constexpr std::uint32_t lower_blocks[{len(lower_block_words)}] = {{")
    for row in range(0, len(lower_block_words), 6):
        out.append("    " + ", ".join(f"0x{w:08X}" for w in lower_block_words[row:row + 6]) + ",")
    out.append("};")
    out.append("")
    out.append("// White_Space (PropList.txt).")
    out.append("inline constexpr CodeRange white_space[] = {")
    for first, last in WHITE_SPACE:
        out.append(f"    {{0x{first:04X}, 0x{last:04X}}},")
    out.append("};")
    out.append("")
    out.append(f"// {len(runs)} runs covering every simple lowercase mapping, sorted by first.")
    out.append("inline constexpr LowerRun lower_runs[] = {")
    for first, last, delta, stride in runs:
        out.append(f"    {{0x{first:04X}, 0x{last:04X}, {delta}, {stride}}},")
    out.append("};")
    out.append("")
    out.append(f"// {len(drops)} ranges the fold drops: White_Space, P*, S*, Cf, Cc. Sorted.")
    out.append("inline constexpr CodeRange fold_drop_ranges[] = {")
    for first, last in drops:
        out.append(f"    {{0x{first:04X}, 0x{last:04X}}},")
    out.append("};")
    out.append("")
    out.append("// fold_code_point for U+0000..007F (0 = dropped).")
    out.append("inline constexpr std::uint8_t ascii_fold[128] = {")
    for row in range(0, 128, 16):
        out.append("    " + ", ".join(f"0x{v:02X}" for v in ascii_fold[row:row + 16]) + ",")
    out.append("};")
    out.append("")
    out.append(f"// Bit i set: U+{CJK_SYMBOLS_FIRST:04X}+i (CJK Symbols and Punctuation) is dropped by the fold.")
    out.append(f"inline constexpr std::uint64_t cjk_symbols_drop_mask = 0x{cjk_symbols_mask:016X}ULL;")
    out.append(f"inline constexpr char32_t cjk_symbols_first = 0x{CJK_SYMBOLS_FIRST:04X};")
    out.append("")
    out.append("// Every code point of this range is Lo with no case mapping: the fold keeps it as is.")
    out.append(f"inline constexpr char32_t cjk_ideographs_first = 0x{CJK_FIRST:04X};")
    out.append(f"inline constexpr char32_t cjk_ideographs_last = 0x{CJK_LAST:04X};")
    out.append("")
    out.append("// For tests: h = seed; for every cp in 0..10FFFF: h = (h ^ fold(cp)) * prime (mod 2^64),")
    out.append("// with fold(surrogate) = 0.")
    out.append(f"inline constexpr std::uint64_t fold_checksum_seed = 0x{FOLD_CHECKSUM_SEED:016X}ULL;")
    out.append(f"inline constexpr std::uint64_t fold_checksum_prime = 0x{FOLD_CHECKSUM_PRIME:016X}ULL;")
    out.append(f"inline constexpr std::uint64_t fold_checksum = 0x{checksum:016X}ULL;")
    out.append("")
    out.append("}  // namespace comments::unicode_tables")
    return "\n".join(out) + "\n"


def main():
    text = render()
    if "--check" in sys.argv[1:]:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            raise SystemExit(f"{OUTPUT} is out of date; run tools/gen_unicode_tables.py")
        print(f"{OUTPUT} is up to date")
        return
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
