// Prints what a reader's browser downloads for the comment widget as the
// server stores it: each file (under its served, content-hashed name; see
// assets.json) and its precompressed variants, `.gz` (zopfli) and `.br`
// (brotli -q 11), which the server sends by Accept-Encoding.
//   node download_size.js <served web folder>
// Bodies only: the budget itself (40 KB on the wire, response headers
// included) is read in Chromium by tests/browser/download_size.test.js
// (ctest -R widget_download_size). Shown for information too: the filter
// module (comments-filter.*), fetched in addition only by readers who mute
// words, and the moderators' build (comments-widget-mod.*), fetched instead
// only by a tab signed in to the moderators' console.
'use strict';

const fs = require('fs');
const path = require('path');

// The stylesheet is inside embed.js (wasm/tools/stage_assets.js).
const readerFiles = ['comments-widget.wasm', 'comments-widget.js', 'embed.js'];
const filterFiles = ['comments-filter.wasm', 'comments-filter.js'];
const moderatorFiles = ['comments-widget-mod.wasm', 'comments-widget-mod.js'];

const webDir = process.argv[2];
if (!webDir) {
  console.error('usage: node download_size.js <served web folder>');
  process.exit(2);
}
const tablePath = path.join(webDir, 'assets.json');
if (!fs.existsSync(tablePath)) {
  console.error(`missing ${tablePath}: build the project first`);
  process.exit(1);
}
const served = JSON.parse(fs.readFileSync(tablePath, 'utf8'));

// { name, raw, gz, br } of a built file (gz/br: the variant's size, or the raw
// size when there is none, as the server then sends the file itself).
function sizes(file) {
  const name = served[file] || file;
  const full = path.join(webDir, name);
  if (!fs.existsSync(full)) {
    console.error(`missing ${full}: build the project first`);
    process.exit(1);
  }
  const raw = fs.statSync(full).size;
  const variant = (suffix) => (fs.existsSync(full + suffix) ? fs.statSync(full + suffix).size : raw);
  return { name, raw, gz: variant('.gz'), br: variant('.br') };
}

function table(title, files) {
  console.log(title);
  const total = { raw: 0, gz: 0, br: 0 };
  for (const file of files) {
    const s = sizes(file);
    for (const k of Object.keys(total)) total[k] += s[k];
    console.log(`  ${s.name.padEnd(34)} ${String(s.raw).padStart(8)} B  ${String(s.gz).padStart(7)} B .gz  ` +
                `${String(s.br).padStart(7)} B .br`);
  }
  console.log(`  ${'total'.padEnd(34)} ${String(total.raw).padStart(8)} B  ${String(total.gz).padStart(7)} B .gz  ` +
              `${String(total.br).padStart(7)} B .br`);
  return total;
}

table('Reader download (first visit; a repeat visit downloads none of it):', readerFiles);
table('Filter module (in addition, for readers with muted words only):', filterFiles);
table('Moderators\' widget build (tabs signed in to the console only):', moderatorFiles);
