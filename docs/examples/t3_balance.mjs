// Evaluate govreport's arithmetic relations (勾稽关系) in plain JavaScript, from the
// relations file alone: no govreport, no npm packages (Node.js 18 or later).
//
//   node t3_balance.mjs schema/2021/relations.json examples/chaotian-2021.json
//   node t3_balance.mjs RELATIONS.json INSTANCE.json [RULE-ID ...] [--json]
//
// The default rule is T3-BALANCE (表三各列收支平衡). Any relation of the file can be
// named, including those with `rows_under` terms such as T3-OUTCOMES. Exit code: 0 when
// nothing failed, 1 when a binding failed, 2 on bad usage.
//
// Arithmetic is exact: every operand must be a JSON integer that JavaScript holds
// exactly (a "safe integer"), and sums are BigInt. The relations shipped today are over
// counts only. An operand that is null (a blank cell) makes the binding "not assessable",
// never a pass: a blank is not zero. So does an operand that is absent or not a safe
// integer (for amounts, use a decimal library instead of Number).

import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

// RFC 6901 JSON Pointers ---------------------------------------------------------------

export function escapeToken(token) {
  return token.replaceAll("~", "~0").replaceAll("/", "~1");
}

export function parsePointer(pointer) {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new Error(`not a JSON Pointer: ${pointer}`);
  return pointer.slice(1).split("/").map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** The value at `pointer`, or undefined when the instance has nothing there. */
export function resolve(instance, pointer) {
  let node = instance;
  for (const token of parsePointer(pointer)) {
    if (!isObject(node) || !Object.hasOwn(node, token)) return undefined;
    node = node[token];
  }
  return node;
}

// The relations format (schema/relations.schema.json) ----------------------------------

/** Replace every `{name}` in a pointer template by the value bound to `name`. */
export function substitute(template, binding) {
  return template.replace(/\{([a-z_]+)\}/g, (_, name) => {
    if (!Object.hasOwn(binding, name)) throw new Error(`unbound {${name}} in ${template}`);
    return binding[name];
  });
}

const isCell = (v) => v === null || typeof v === "number";

/**
 * `rows_under`: the pointers of every row at or below `pointer`, in document order.
 * A row is an object whose member `having` is a cell (a number or null). The search
 * descends through objects only and does not descend into a row.
 */
export function rowsUnder(instance, pointer, having) {
  const node = resolve(instance, pointer);
  if (!isObject(node)) return [];
  if (Object.hasOwn(node, having) && isCell(node[having])) return [pointer];
  return Object.keys(node).flatMap((key) => rowsUnder(instance, `${pointer}/${escapeToken(key)}`, having));
}

/** Every binding of the relation's `for_each` variables: the cartesian product of domains. */
export function bindings(relation, instance) {
  let out = [{}];
  for (const [name, domain] of Object.entries(relation.for_each)) {
    const values = Array.isArray(domain)
      ? domain
      : rowsUnder(instance, substitute(domain.rows_under, {}), domain.having);
    out = out.flatMap((binding) => values.map((value) => ({ ...binding, [name]: value })));
  }
  return out;
}

/** The operands of one binding: the total cell first, then every weighted term cell. */
export function operands(relation, binding, instance) {
  const out = [{ role: "total", pointer: substitute(relation.total, binding), weight: 1 }];
  for (const term of relation.terms) {
    if (Object.hasOwn(term, "pointer")) {
      out.push({ role: "term", pointer: substitute(term.pointer, binding), weight: term.weight });
    } else {
      const cell = substitute(term.cell, binding);
      for (const row of rowsUnder(instance, substitute(term.rows_under, binding), cell)) {
        out.push({ role: "term", pointer: `${row}/${escapeToken(cell)}`, weight: term.weight });
      }
    }
  }
  for (const operand of out) operand.value = resolve(instance, operand.pointer);
  return out;
}

/** Evaluate every binding of one relation: pass, fail or not_assessable. */
export function evaluate(relation, instance) {
  return bindings(relation, instance).map((binding) => {
    const ops = operands(relation, binding, instance);
    const result = { rule: relation.id, binding, pointer: ops[0].pointer, operands: ops };
    const blank = ops.filter((o) => o.value === null).map((o) => o.pointer);
    const unusable = ops.filter((o) => o.value !== null && !Number.isSafeInteger(o.value)).map((o) => o.pointer);
    if (blank.length || unusable.length) return { ...result, status: "not_assessable", blank, unusable };
    const expected = ops.slice(1).reduce((sum, o) => sum + BigInt(o.weight) * BigInt(o.value), 0n);
    const actual = BigInt(ops[0].value);
    return { ...result, status: expected === actual ? "pass" : "fail", expected, actual };
  });
}

// Command line -----------------------------------------------------------------------

function formula(ops) {
  return ops.slice(1).map((o, i) => {
    const sign = o.weight < 0 ? "− " : i === 0 ? "" : "+ ";
    const times = Math.abs(o.weight) === 1 ? "" : `${Math.abs(o.weight)}×`;
    return `${sign}${times}${o.value}`;
  }).join(" ");
}

function main(argv) {
  const json = argv.includes("--json");
  const [relationsFile, instanceFile, ...ruleIds] = argv.filter((a) => a !== "--json");
  if (!relationsFile || !instanceFile) {
    console.error("usage: node t3_balance.mjs RELATIONS.json INSTANCE.json [RULE-ID ...] [--json]");
    return 2;
  }
  const relations = JSON.parse(readFileSync(relationsFile, "utf8")).relations;
  const instance = JSON.parse(readFileSync(instanceFile, "utf8"));
  const wanted = ruleIds.length ? ruleIds : ["T3-BALANCE"];
  let failed = 0;
  const summary = {};
  for (const id of wanted) {
    const relation = relations.find((r) => r.id === id);
    if (!relation) {
      console.error(`no relation ${id} in ${relationsFile}`);
      return 2;
    }
    const counts = { passed: 0, failed: 0, not_assessable: 0, failures: [] };
    for (const r of evaluate(relation, instance)) {
      const where = Object.entries(r.binding).map(([k, v]) => `${k}=${v}`).join(" ");
      if (r.status === "pass") {
        counts.passed += 1;
        if (!json) console.log(`pass  ${id}  ${where}  ${r.actual} = ${formula(r.operands)}`);
      } else if (r.status === "fail") {
        counts.failed += 1;
        counts.failures.push(r.pointer);
        if (!json) console.log(`FAIL  ${id}  ${where}  ${r.pointer}: expected ${r.expected} (${formula(r.operands)}), actual ${r.actual}`);
      } else {
        counts.not_assessable += 1;
        if (!json) console.log(`n/a   ${id}  ${where}  not assessable: blank ${r.blank.join(", ") || "-"}; unusable ${r.unusable.join(", ") || "-"}`);
      }
    }
    failed += counts.failed;
    summary[id] = counts;
    if (!json) console.log(`${id}: ${counts.passed} passed, ${counts.failed} failed, ${counts.not_assessable} not assessable`);
  }
  if (json) console.log(JSON.stringify(summary));
  return failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
