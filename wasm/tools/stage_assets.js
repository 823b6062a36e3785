// Puts the browser build into the served folder the way it is served:
//   - the widget's files (both builds' .wasm and glue, the filter module)
//     under content-hashed names, `comments-widget.3f9a1c2e.wasm`,
//     which the server sends as immutable (cached for a year, never
//     revalidated): a repeat visit downloads none of them;
//   - embed.js, the loader sites embed by its stable name, generated from
//     web/embed.js with those names filled in (its FILES table) and the
//     widget's stylesheet (comments.css, minified) as its CSS text, minified;
//   - `assets.json`: the same table, for tools and for site owners who write
//     preload hints at deploy time;
//   - every .js/.css/.wasm/.json/.svg/.txt of the folder precompressed beside
//     itself, `file.gz` (zopfli, gzip-compatible and ~5% smaller than
//     gzip -9; gzip -9 -n where zopfli is missing) and `file.br` (brotli -q 11),
//     each only when smaller than the file; the server picks one by
//     Accept-Encoding.
// Earlier hashed versions of the same files, and variants whose file is gone,
// are removed: the build folder holds one release. Files unchanged since the
// last run are left as they are (same mtime, same ETag).
//
//   node stage_assets.js --stage <dir of built unhashed files> --out <served folder>
//        --embed <web/embed.js> --terser <terser> [--zopfli <zopfli>] --brotli <brotli>
'use strict';

const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

function option(name, required = true) {
  const at = process.argv.indexOf('--' + name);
  if (at < 0 || at + 1 >= process.argv.length) {
    if (!required) return null;
    console.error(`stage_assets.js: --${name} is required`);
    process.exit(2);
  }
  return process.argv[at + 1];
}

const stageDir = option('stage');
const outDir = option('out');
const embedSource = option('embed');
const terser = option('terser');
const zopfli = option('zopfli', false);
const brotli = option('brotli');

// The files the loader fetches, by their built names. A missing one is an
// error: the loader would ask for a file that is not there.
const HASHED = ['comments-widget.wasm', 'comments-widget.js', 'comments-widget-mod.wasm',
                'comments-widget-mod.js', 'comments-filter.wasm', 'comments-filter.js', 'comments-report.js',
                'comments-own.js', 'comments-likes.js'];
// Built into embed.js, not served on its own.
const INLINED_CSS = 'comments.css';
const HASH_HEX = 8;  // the server's is_content_hashed() expects exactly this
const COMPRESSED = /\.(js|mjs|css|wasm|json|svg|txt)$/;

// Writes `bytes` to `file` unless it already holds them (keeps its mtime).
function writeIfChanged(file, bytes) {
  if (fs.existsSync(file) && fs.readFileSync(file).equals(bytes)) return false;
  const temp = file + '.tmp';
  fs.writeFileSync(temp, bytes);
  fs.renameSync(temp, file);
  return true;
}

function splitName(name) {
  const dot = name.lastIndexOf('.');
  return { stem: name.slice(0, dot), ext: name.slice(dot) };
}

// 1. Hashed copies.
fs.mkdirSync(outDir, { recursive: true });
const table = {};
for (const name of HASHED) {
  const from = path.join(stageDir, name);
  if (!fs.existsSync(from)) {
    console.error(`stage_assets.js: ${from} is missing`);
    process.exit(1);
  }
  const bytes = fs.readFileSync(from);
  const hash = crypto.createHash('sha256').update(bytes).digest('hex').slice(0, HASH_HEX);
  const { stem, ext } = splitName(name);
  const hashed = `${stem}.${hash}${ext}`;
  table[name] = hashed;
  writeIfChanged(path.join(outDir, hashed), bytes);
  // Other releases of this file, and the file under its plain name (a
  // leftover of web/ copied in, or of builds before hashing).
  const older = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` +
                           `(\\.[0-9a-f]{${HASH_HEX}})?${ext.replace('.', '\\.')}(\\.gz|\\.br)?$`);
  for (const f of fs.readdirSync(outDir)) {
    if (older.test(f) && !f.startsWith(hashed)) fs.rmSync(path.join(outDir, f));
  }
}
writeIfChanged(path.join(outDir, 'assets.json'), Buffer.from(JSON.stringify(table, null, 1) + '\n'));
// The stylesheet under any name in the served folder is a leftover (web/ is
// copied in as it is, and earlier builds served it hashed).
for (const f of fs.readdirSync(outDir)) {
  if (/^comments(\.[0-9a-f]{8})?\.css(\.gz|\.br)?$/.test(f)) fs.rmSync(path.join(outDir, f));
}

// 2. embed.js with the table filled in, minified.
const source = fs.readFileSync(embedSource, 'utf8');
const filesLine = /var FILES = \{[^}]*\};/;
if (!filesLine.test(source)) {
  console.error(`stage_assets.js: no "var FILES = {...};" in ${embedSource}`);
  process.exit(1);
}
const cssLine = /var CSS = '';/;
if (!cssLine.test(source)) {
  console.error(`stage_assets.js: no "var CSS = '';" in ${embedSource}`);
  process.exit(1);
}
const css = fs.readFileSync(path.join(stageDir, INLINED_CSS), 'utf8').trim();
const generated = source.replace(filesLine, `var FILES = ${JSON.stringify(table)};`)
  .replace(cssLine, () => `var CSS = ${JSON.stringify(css)};`);
const tempSource = path.join(stageDir, 'embed.generated.js');
fs.writeFileSync(tempSource, generated);
const minified = execFileSync(terser, ['--compress', 'passes=2', '--mangle', '--', tempSource],
                              { maxBuffer: 1 << 26 });
writeIfChanged(path.join(outDir, 'embed.js'), minified);

// 3. Precompressed variants.
function compress(file) {
  const stat = fs.statSync(file);
  const variants = [
    ['.gz', () => zopfli ? execFileSync(zopfli, ['-c', file], { maxBuffer: 1 << 26 })
                         : execFileSync('gzip', ['-9', '-n', '-c', file], { maxBuffer: 1 << 26 })],
    ['.br', () => execFileSync(brotli, ['-q', '11', '-c', file], { maxBuffer: 1 << 26 })],
  ];
  for (const [suffix, make] of variants) {
    const target = file + suffix;
    if (fs.existsSync(target) && fs.statSync(target).mtimeMs >= stat.mtimeMs) continue;
    const bytes = make();
    if (bytes.length < stat.size) {
      fs.writeFileSync(target, bytes);
    } else {
      fs.rmSync(target, { force: true });
    }
  }
}
for (const f of fs.readdirSync(outDir)) {
  const full = path.join(outDir, f);
  if (/\.(gz|br)$/.test(f)) {
    // A variant whose file is gone.
    if (!fs.existsSync(full.slice(0, -3))) fs.rmSync(full);
    continue;
  }
  if (COMPRESSED.test(f) && fs.statSync(full).isFile()) compress(full);
}
