// The Azure Pipelines schema check of anchors.sh: ado-schema.mjs's check
// (service-schema.json of microsoft/azure-pipelines-vscode, from
// ../shared/corpus/ado/schema), with one addition. That snapshot predates
// some task versions Azure DevOps serves today (PublishCodeCoverageResults@2,
// the version Microsoft recommends since @1 was deprecated); each task
// version compiler/data/azure_tasks.json holds (read from the tasks'
// own task.json files) and the snapshot lacks is added with its input
// names, aliases and required inputs, so a step using one is still checked
// in full instead of failing as unknown.
// Usage: NODE_PATH=.../anchors/node_modules node tests/compile/ado_schema.mjs SCHEMA FILE...
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
const require = createRequire(process.env.NODE_PATH + "/");
const Ajv = require("ajv").default;
const YAML = require("yaml");

const [schemaPath, ...files] = process.argv.slice(2);
if (!schemaPath || files.length === 0) {
  console.error("usage: node ado_schema.mjs SERVICE-SCHEMA FILE...");
  process.exit(2);
}
const schema = JSON.parse(readFileSync(schemaPath, "utf8").replace(/^\uFEFF/, ""));
delete schema.$schema;
const tasks = schema.definitions.task.anyOf;
const known = new Set(tasks.map((t) => t.properties?.task?.pattern));
const table = JSON.parse(readFileSync("compiler/data/azure_tasks.json", "utf8"));
const added = [];
for (const task of Object.values(table.tasks)) {
  for (const [version, v] of Object.entries(task.versions)) {
    const pattern = `^${task.name}@${version}$`;
    if (known.has(pattern) || !v.inputs) continue;
    const names = [...v.inputs, ...Object.keys(v.aliases || {})];
    const required = (v.required || []).filter((r) => r.default === undefined && !r.visibleRule).map((r) => r.name);
    tasks.push({
      properties: {
        task: { pattern },
        inputs: { properties: Object.fromEntries(names.map((n) => [n, {}])), additionalProperties: false, required },
      },
      required: required.length ? ["task", "inputs"] : ["task"],
    });
    added.push(`${task.name}@${version}`);
  }
}
const validate = new Ajv({ strict: false, allErrors: false, unicodeRegExp: false }).compile(schema);
let failed = 0;
for (const file of files) {
  let doc;
  try {
    doc = YAML.parse(readFileSync(file, "utf8"));
  } catch (e) {
    console.log(`${file}: not YAML: ${e.message.split("\n")[0]}`);
    failed++;
    continue;
  }
  if (!validate(doc)) {
    failed++;
    for (const err of validate.errors.slice(0, 5)) console.log(`${file}: ${err.instancePath || "/"} ${err.message}`);
  }
}
if (process.env.ADO_SCHEMA_VERBOSE) console.log(`added to the schema: ${added.join(", ")}`);
process.exit(failed > 0 ? 1 : 0);
