// Prints what a reader's browser downloads for the comment widget, each file
// gzipped with `gzip -9` (as a server would precompress it), and the sum
// against the product's 40 KB budget (docs/embedding.md).
//   node download_size.js <served web folder> [--enforce-budget]
// Fails when a file is missing; with --enforce-budget also when the sum is
// over budget.
// Shown for information: the filter module (comments-filter.*), fetched in
// addition only by readers who mute words, and the moderators' build
// (comments-widget-mod.*), fetched instead only by a tab signed in to the
// moderators' console.
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const budgetBytes = 40 * 1024;
const readerFiles = ['comments-widget.wasm', 'comments-widget.js', 'embed.js', 'comments.css'];
const filterFiles = ['comments-filter.wasm', 'comments-filter.js'];
const moderatorFiles = ['comments-widget-mod.wasm', 'comments-widget-mod.js'];

const webDir = process.argv[2];
const enforceBudget = process.argv.includes('--enforce-budget');
if (!webDir) {
  console.error('usage: node download_size.js <served web folder>');
  process.exit(2);
}

function sizes(file) {
  const full = path.join(webDir, file);
  if (!fs.existsSync(full)) {
    console.error(`missing ${full}: build the project first`);
    process.exit(1);
  }
  const gzipped = execFileSync('gzip', ['-9', '-c', full], { maxBuffer: 1 << 26 }).length;
  return { raw: fs.statSync(full).size, gzipped };
}

function table(title, files) {
  console.log(title);
  let total = 0;
  for (const file of files) {
    const { raw, gzipped } = sizes(file);
    total += gzipped;
    console.log(`  ${file.padEnd(26)} ${String(raw).padStart(8)} B  ${String(gzipped).padStart(7)} B gzip -9`);
  }
  console.log(`  ${'total'.padEnd(26)} ${''.padStart(10)}  ${String(total).padStart(7)} B gzip -9`);
  return total;
}

const readerTotal = table('Reader download (every page view):', readerFiles);
table('Filter module (in addition, for readers with muted words only):', filterFiles);
table('Moderators\' widget build (tabs signed in to the console only):', moderatorFiles);
console.log(`Budget: ${budgetBytes} B; reader download ${readerTotal} B ` +
            `(${readerTotal <= budgetBytes ? 'within' : 'OVER'} budget)`);
process.exit(enforceBudget && readerTotal > budgetBytes ? 1 : 0);
