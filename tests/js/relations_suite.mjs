// Evaluate every relation of every schema-valid case of the conformance suite with the
// documentation's JavaScript example (docs/examples/t3_balance.mjs), in one process.
// tests/test_differential.py compares the results with govreport's relations engine.
//
//   node tests/js/relations_suite.mjs RELATIONS.json... -- SUITE.json...
//
// Output: {"results": [{"group": id, "index": i, "rules": {RULE: {passed, failed,
// not_assessable, failures: [pointer...]}}}, ...]}. Needs no npm packages.

import { readFileSync } from "node:fs";
import { evaluate } from "../../docs/examples/t3_balance.mjs";

const args = process.argv.slice(2);
const split = args.indexOf("--");
if (split < 1 || split === args.length - 1) {
  console.error("usage: node relations_suite.mjs RELATIONS.json... -- SUITE.json...");
  process.exit(2);
}
const byEdition = {};
for (const file of args.slice(0, split)) {
  const doc = JSON.parse(readFileSync(file, "utf8"));
  byEdition[doc.edition] = doc.relations;
}
const results = [];
for (const file of args.slice(split + 1)) {
  const suite = JSON.parse(readFileSync(file, "utf8"));
  for (const group of suite.groups) {
    group.tests.forEach((test, index) => {
      if (!test.valid) return;
      const rules = {};
      for (const relation of byEdition[group.edition]) {
        const counts = { passed: 0, failed: 0, not_assessable: 0, failures: [] };
        for (const r of evaluate(relation, test.data)) {
          if (r.status === "pass") counts.passed += 1;
          else if (r.status === "fail") {
            counts.failed += 1;
            counts.failures.push(r.pointer);
          } else counts.not_assessable += 1;
        }
        rules[relation.id] = counts;
      }
      results.push({ group: group.id, index, rules });
    });
  }
}
process.stdout.write(JSON.stringify({ results }) + "\n");
