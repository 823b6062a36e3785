#!/usr/bin/env python3
"""Generates core/src/han_fold_table.inc: the filter's Traditional -> Simplified
step (docs/filter.md, "Folding", step 4), so that a banned 传销 also matches
傳銷 and the Hong Kong / Taiwan variant 衞 matches 卫.

The mapping comes from OpenCC (Debian's `opencc` + `libopencc-data`), a
maintained source, asked one character at a time through the `opencc` command:

  t2s   Traditional -> Simplified characters (TSCharacters): the base.
  hk2s  Hong Kong variants -> Simplified;  tw2s  Taiwan variants -> Simplified.
        A variant mapping is added only where it does not start from a
        character that is itself some mapping's result (tw2s maps 么 -> 幺 and
        抬 -> 擡: those are everyday Simplified characters, left alone; two
        such are named in EXCLUDED_VARIANTS), and results are taken to the end
        of any chain.

The fold applies it to both the list words and the text, so any many-to-one
merge only has to be consistent, and the generator checks that the mapping is
idempotent (no result is itself mapped).

Kept compact and fast because it runs on every CJK character the filter reads:
  han_main_bits/han_main_rank/han_main_to   U+4E00..9FFF: one bit per code
      point; a set bit's result is han_main_to[rank], rank = the word's prefix
      count + popcount of the lower bits (one load and one bit test when unset).
  han_rare   every other mapped code point (extension A, compatibility
      ideographs, astral extensions), sorted pairs for a binary search.

Run from the repository root:  python3 tools/gen_han_fold_table.py
(--check compares with the committed file instead of writing it).
"""
import subprocess
import sys
import unicodedata
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "core" / "src" / "han_fold_table.inc"
MAIN_FIRST, MAIN_LAST = 0x4E00, 0x9FFF
HAN_RANGES = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF),
              (0x2A700, 0x2EBEF), (0x2F800, 0x2FA1F), (0x30000, 0x3134F)]
# Variant mappings left out although the rules above would take them: their
# source is an everyday Simplified character in its own right.
EXCLUDED_VARIANTS = {
    "抬": "tw2s maps it to the Traditional 擡",
    "著": "著名, 显著: tw2s would fold it into 着",
}
CHECKSUM_SEED, CHECKSUM_PRIME = 0xCBF29CE484222325, 0x100000001B3


def opencc(config, cps):
    text = "".join(chr(cp) + "\n" for cp in cps)
    done = subprocess.run(["opencc", "-c", config], input=text.encode(), capture_output=True, check=True)
    lines = done.stdout.decode().split("\n")
    if len(lines) < len(cps):
        sys.exit(f"opencc -c {config}: {len(lines)} lines back for {len(cps)} characters")
    return {cp: line for cp, line in zip(cps, lines) if line != chr(cp)}


def opencc_version():
    done = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libopencc-data"], capture_output=True)
    return done.stdout.decode().strip() or "unknown"


def build_mapping():
    cps = [cp for first, last in HAN_RANGES for cp in range(first, last + 1)]
    base = opencc("t2s.json", cps)
    mapping = {}
    for cp, out in base.items():
        if len(out) != 1:
            sys.exit(f"t2s maps U+{cp:04X} to {len(out)} characters; the fold maps one to one")
        mapping[cp] = ord(out)
    # OpenCC's character table has a few chains (薴 -> 苧 -> 苎): map each
    # character straight to the end of its chain, so the fold is idempotent.
    def chain_end(cp):
        seen = {cp}
        while cp in mapping:
            cp = mapping[cp]
            if cp in seen:
                sys.exit(f"a cycle through U+{cp:04X}")
            seen.add(cp)
        return cp
    mapping = {cp: chain_end(target) for cp, target in mapping.items()}
    results = set(mapping.values())
    for config in ("hk2s.json", "tw2s.json"):
        for cp, out in sorted(opencc(config, cps).items()):
            if cp in mapping or len(out) != 1 or chr(cp) in EXCLUDED_VARIANTS:
                continue
            target = chain_end(ord(out))
            if cp in results or target == cp:
                continue
            mapping[cp] = target
            results.add(target)
    for cp, target in mapping.items():
        if target in mapping:
            sys.exit(f"not idempotent: U+{cp:04X} -> U+{target:04X} -> U+{mapping[target]:04X}")
        # The Unicode steps of the fold leave both sides alone (letters, no
        # lowercase mapping), so this step composes with them in any order.
        for c in (cp, target):
            if unicodedata.category(chr(c)) != "Lo":
                sys.exit(f"U+{c:04X} is {unicodedata.category(chr(c))}, not Lo")
    return mapping


def render(mapping):
    words = (MAIN_LAST - MAIN_FIRST + 1) // 64
    bits = [0] * words
    for cp in mapping:
        if MAIN_FIRST <= cp <= MAIN_LAST:
            offset = cp - MAIN_FIRST
            bits[offset // 64] |= 1 << (offset % 64)
    ranks, total = [], 0
    for word in bits:
        ranks.append(total)
        total += bin(word).count("1")
    main_to = [mapping[cp] for cp in sorted(mapping) if MAIN_FIRST <= cp <= MAIN_LAST]
    rare = [(cp, mapping[cp]) for cp in sorted(mapping) if not MAIN_FIRST <= cp <= MAIN_LAST]
    checksum = CHECKSUM_SEED
    for cp in sorted(mapping):
        for value in (cp, mapping[cp]):
            checksum = ((checksum ^ value) * CHECKSUM_PRIME) & 0xFFFFFFFFFFFFFFFF

    out = []
    out.append("// Generated by tools/gen_han_fold_table.py from OpenCC's t2s, hk2s and tw2s")
    out.append(f"// (libopencc-data {opencc_version()}). Do not edit; re-run the generator instead.")
    out.append("// Included by core/src/filter.cpp and tests/core/test_filter.cpp.")
    out.append("")
    out.append("namespace comments::han_fold_table {")
    out.append("")
    out.append(f"inline constexpr std::size_t size = {len(mapping)};  // mapped code points in all")
    out.append(f"inline constexpr std::uint64_t checksum = 0x{checksum:016X}ULL;  // FNV-1a over sorted (from, to)")
    out.append(f"inline constexpr std::uint64_t checksum_seed = 0x{CHECKSUM_SEED:016X}ULL;")
    out.append(f"inline constexpr std::uint64_t checksum_prime = 0x{CHECKSUM_PRIME:016X}ULL;")
    out.append("")
    out.append(f"inline constexpr char32_t main_first = 0x{MAIN_FIRST:04X};")
    out.append(f"inline constexpr char32_t main_last = 0x{MAIN_LAST:04X};")
    out.append(f"inline constexpr std::uint64_t main_bits[{words}] = {{")
    for row in range(0, words, 4):
        out.append("    " + ", ".join(f"0x{w:016X}" for w in bits[row:row + 4]) + ",")
    out.append("};")
    out.append(f"inline constexpr std::uint16_t main_rank[{words}] = {{")
    for row in range(0, words, 12):
        out.append("    " + ", ".join(str(r) for r in ranks[row:row + 12]) + ",")
    out.append("};")
    out.append(f"inline constexpr char32_t main_to[{len(main_to)}] = {{")
    for row in range(0, len(main_to), 8):
        out.append("    " + ", ".join(f"0x{t:04X}" for t in main_to[row:row + 8]) + ",")
    out.append("};")
    out.append("")
    out.append("struct Pair {")
    out.append("  char32_t from;")
    out.append("  char32_t to;")
    out.append("};")
    out.append(f"inline constexpr Pair rare[{len(rare)}] = {{")
    for row in range(0, len(rare), 4):
        out.append("    " + " ".join(f"{{0x{f:04X}, 0x{t:04X}}}," for f, t in rare[row:row + 4]))
    out.append("};")
    out.append("")
    out.append("}  // namespace comments::han_fold_table")
    return "\n".join(out) + "\n"


def main():
    text = render(build_mapping())
    if "--check" in sys.argv[1:]:
        if OUTPUT.read_text(encoding="utf-8") != text:
            sys.exit(f"{OUTPUT} is out of date: run python3 tools/gen_han_fold_table.py")
        print(f"{OUTPUT.name} is current")
        return
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
