// Checks XML files against a Schematron schema with node-schematron (XPath 3.1 by fontoxpath, so xslt2 rules run).
// Usage: node schematron_check.js SCHEMA.sch FILE.xml...
// Prints a JSON list of {file, message} for every failed assertion (warnings included) and every report.
"use strict";
const fs = require("fs");
const { Schema } = require("node-schematron");

const [schemaFile, ...files] = process.argv.slice(2);
const schema = Schema.fromString(fs.readFileSync(schemaFile, "utf8"));
const found = [];
for (const file of files) {
  for (const result of schema.validateString(fs.readFileSync(file, "utf8"))) {
    found.push({ file, message: result.message.trim().replace(/\s+/g, " ") });
  }
}
process.stdout.write(JSON.stringify(found));
