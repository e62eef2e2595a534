// chrono.js -- peer of the "dates" task: chrono-node parses every article
// against its own date (news.refdates, cycled).  node chrono.js CORPUS REFDATES
'use strict';
const fs = require('fs');
const chrono = require('chrono-node');
const { articles, bytesOf, report } = require('./common');

const arts = articles(process.argv[2], Number(process.argv[4] || 0));
const dates = fs.readFileSync(process.argv[3], 'utf8').split('\n').filter(Boolean);
let found = 0;
const t0 = process.hrtime.bigint();
arts.forEach((a, i) => {
  found += chrono.parse(a, new Date(dates[i % dates.length] + 'T12:00:00Z')).length;
});
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
report({ peer: 'chrono-node', bytes: bytesOf(arts), inner_seconds: secs, matches: found });
