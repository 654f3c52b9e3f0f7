// Validate every case of the govreport conformance suite with ajv, independently of
// govreport, and print the verdicts as JSON (read by tests/test_differential.py).
//
//   node tests/js/validate_suite.mjs SCHEMA.json... -- SUITE.json...
//
// ajv 8 (Ajv2020, JSON Schema draft 2020-12) with ajv-formats for `format: "date"`.
// Strict mode stays on; the schemas' annotation keywords `x-edition`, `x-table`, … are
// declared to ajv with addVocabulary (found by scanning the schemas), so a misspelled
// real keyword would still be an error. Union types (`["integer", "null"]`) are allowed.
// Output: {"ajv": "<version>", "results": [{"group": id, "index": i, "valid": bool,
// "errors": ["<instancePath> <keyword>", ...]}, ...]}.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const require = createRequire(import.meta.url);

function annotationKeywords(node, found = new Set()) {
  if (Array.isArray(node)) {
    node.forEach((item) => annotationKeywords(item, found));
  } else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith("x-")) found.add(key);
      // Keys under `properties` / `$defs` are names, not keywords; their values are schemas.
      annotationKeywords(value, found);
    }
  }
  return found;
}

const args = process.argv.slice(2);
const split = args.indexOf("--");
if (split < 1 || split === args.length - 1) {
  console.error("usage: node validate_suite.mjs SCHEMA.json... -- SUITE.json...");
  process.exit(2);
}
const schemas = args.slice(0, split).map((f) => JSON.parse(readFileSync(f, "utf8")));
const suites = args.slice(split + 1).map((f) => JSON.parse(readFileSync(f, "utf8")));

const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
addFormats(ajv, ["date"]);
const keywords = new Set();
schemas.forEach((s) => annotationKeywords(s, keywords));
ajv.addVocabulary([...keywords].sort());
schemas.forEach((s) => ajv.addSchema(s));

const results = [];
for (const suite of suites) {
  for (const group of suite.groups) {
    const validate = ajv.getSchema(group.schema);
    if (!validate) throw new Error(`no schema with $id ${group.schema}`);
    group.tests.forEach((test, index) => {
      const valid = validate(test.data);
      const errors = valid ? [] : validate.errors.map((e) => `${e.instancePath} ${e.keyword}`);
      results.push({ group: group.id, index, valid, errors });
    });
  }
}
const version = require("ajv/package.json").version;
process.stdout.write(JSON.stringify({ ajv: version, keywords: [...keywords].sort(), results }) + "\n");
