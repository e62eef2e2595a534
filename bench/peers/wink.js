// wink.js -- peer of the "tokenize" task (MODE tokens: tokens + sentences)
// and of the whole pack (MODE entities: the full pipeline, entities).
//   node wink.js tokens|entities CORPUS
'use strict';
const winkNLP = require('wink-nlp');
const model = require('wink-eng-lite-web-model');
const { articles, bytesOf, report } = require('./common');

const mode = process.argv[2];
const nlp = mode === 'tokens' ? winkNLP(model, ['sbd']) : winkNLP(model);
const arts = articles(process.argv[3], Number(process.argv[4] || 0));
let tokens = 0, sentences = 0, entities = 0;
const t0 = process.hrtime.bigint();
for (const a of arts) {
  const doc = nlp.readDoc(a);
  tokens += doc.tokens().length();
  sentences += doc.sentences().length();
  if (mode !== 'tokens') entities += doc.entities().length();
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
report({ peer: 'wink-nlp ' + mode, bytes: bytesOf(arts), inner_seconds: secs,
         tokens, sentences, matches: entities });
