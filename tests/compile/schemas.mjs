// Validates every built-in recipe against recipes/schema.json and every
// galley.yml (examples, golden fixtures) against docs/galley.schema.json, the
// schemas editors use to complete and check these files.
// Run with NODE_PATH pointing at ../shared/tools/anchors/node_modules (ajv, yaml).
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
const require = createRequire(process.env.NODE_PATH + "/");
const Ajv = require("ajv/dist/2020").default ?? require("ajv");
const YAML = require("yaml");

function validator(path) {
  const schema = JSON.parse(readFileSync(path, "utf8"));
  const AjvClass = String(schema.$schema || "").includes("2020") ? require("ajv/dist/2020").default : require("ajv").default;
  return new AjvClass({ strict: false, allErrors: true }).compile(schema);
}

const recipes = validator("recipes/schema.json");
const project = validator("docs/galley.schema.json");
const files = [
  ...readdirSync("recipes").filter((f) => f.endsWith(".yml") && f !== "actions.yml").map((f) => ["recipes/" + f, recipes]),
  ...readdirSync("examples").map((d) => ["examples/" + d + "/galley.yml", project]),
  ...readdirSync("tests/golden/recipes").map((d) => ["tests/golden/recipes/" + d + "/galley.yml", project]),
];
let failed = 0;
for (const [file, validate] of files) {
  if (!validate(YAML.parse(readFileSync(file, "utf8")))) {
    failed++;
    for (const e of validate.errors.slice(0, 5)) console.log(`${file}: ${e.instancePath || "/"} ${e.message}`);
  }
}
// The schemas must also reject what the compiler rejects.
for (const [what, validate, doc] of [
  ["a recipe with an unknown key", recipes, { recipe: "x", description: "d", steps: [], bogus: 1 }],
  ["a parameter of an unknown type", recipes, { recipe: "x", description: "d", parameters: { p: { type: "float", description: "d" } }, steps: [] }],
  ["galley.yml with an unknown key", project, { name: "x", pipelines: {}, pipeline: {} }],
]) {
  if (validate(doc)) {
    failed++;
    console.log(`schemas: ${what} was accepted`);
  }
}
console.log(`schemas: ${files.length - failed} of ${files.length} files valid`);
process.exit(failed ? 1 : 0);
