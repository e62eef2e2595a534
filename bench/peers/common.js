// common.js -- what the peer scripts of bench/run share: reading the corpus
// (articles separated by a blank line) and printing one JSON line.
'use strict';
const fs = require('fs');

function articles(path, maxBytes) {
  let text = fs.readFileSync(path, 'utf8');
  const all = text.split(/\n\n+/).filter((a) => a.length > 0);
  if (!maxBytes) return all;
  const out = [];
  let n = 0;
  for (const a of all) {
    if (n >= maxBytes) break;
    out.push(a);
    n += Buffer.byteLength(a) + 2;
  }
  return out;
}

function bytesOf(arts) {
  let n = 0;
  for (const a of arts) n += Buffer.byteLength(a) + 2;
  return n;
}

function report(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

module.exports = { articles, bytesOf, report };
