// Shortens the local names of a JS file (whitespace removed too), for what
// every reader downloads: the Emscripten glue and web/embed.js.
//   node mangle_js.js <emscripten root> <input.js> <output.js>
// No minifier package is installed, and Debian's emscripten ships no closure
// compiler; it does ship acorn and its own copy of terser's AST, scope
// analysis and name mangler (third_party/terser), which are used here.
// Only local names change: globals (createCommentsWidget, CommentsEmbed) and
// property names stay as they are. Needs NODE_PATH to find acorn
// (/usr/share/nodejs on Debian), like emcc itself.
'use strict';

const fs = require('fs');
const path = require('path');
const acorn = require('acorn');

const [emscriptenRoot, input, output] = process.argv.slice(2);
if (!emscriptenRoot || !input || !output) {
  console.error('usage: node mangle_js.js <emscripten root> <input.js> <output.js>');
  process.exit(2);
}
const terser = require(path.join(emscriptenRoot, 'third_party', 'terser', 'terser.js'));

const source = fs.readFileSync(input, 'utf8');
const ast = terser.AST_Node.from_mozilla_ast(acorn.parse(source, { ecmaVersion: 'latest' }));
ast.figure_out_scope({});
// Also sets up the mangler's alphabet (most frequent characters first).
ast.compute_char_frequency({});
ast.mangle_names({});
fs.writeFileSync(output, ast.print_to_string({ beautify: false }) + '\n');
