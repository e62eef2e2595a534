// compromise.js -- peer of the actors of the whole pack: people, places and
// organisations of every article.  node compromise.js CORPUS MAXBYTES
'use strict';
const nlp = require('compromise');
const { articles, bytesOf, report } = require('./common');

const arts = articles(process.argv[2], Number(process.argv[3] || 0));
let found = 0;
const t0 = process.hrtime.bigint();
for (const a of arts) {
  const doc = nlp(a);
  found += doc.people().length + doc.places().length + doc.organizations().length;
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
report({ peer: 'compromise', bytes: bytesOf(arts), inner_seconds: secs, matches: found });
